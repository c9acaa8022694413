-- Admin API issue 6: per-bot timeouts, read with the route per call; null = the control-plane's global setting.
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).

-- A wss bot's WebSocket must open within this (else patchbay.control.bridge.connect-timeout).
ALTER TABLE bots ADD COLUMN connect_timeout_ms INTEGER;
ALTER TABLE bots ADD CONSTRAINT bots_connect_timeout_range CHECK (connect_timeout_ms BETWEEN 100 AND 30000);
-- A webhook bot must answer within this (else patchbay.control.webhook.timeout).
ALTER TABLE bots ADD COLUMN answer_timeout_ms INTEGER;
ALTER TABLE bots ADD CONSTRAINT bots_answer_timeout_range CHECK (answer_timeout_ms BETWEEN 100 AND 30000);

-- The connect timeout the call was routed with, since the bridge opens later, possibly on another replica.
ALTER TABLE calls ADD COLUMN connect_timeout_ms INTEGER;
