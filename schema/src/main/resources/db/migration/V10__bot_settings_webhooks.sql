-- Admin API issue 6: per-bot sample rate and custom parameters, and webhook subscriptions to call
-- events. The control-plane reads both per call.
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).

-- The rate the bot's audio is streamed at; 16000 only for dialects that carry L16 (not twilio).
ALTER TABLE bots ADD COLUMN sample_rate INTEGER DEFAULT 8000 NOT NULL;
ALTER TABLE bots ADD CONSTRAINT bots_sample_rate_known CHECK (sample_rate IN (8000, 16000));
-- JSON object of strings merged into the bot's start customParameters; null = none.
ALTER TABLE bots ADD COLUMN custom_parameters VARCHAR(40000);

-- Call events a workspace subscribes to; delivered through the outbox, signed with secret_enc.
CREATE TABLE webhook_subscriptions (
    id            VARCHAR(40)   PRIMARY KEY,
    workspace_id  VARCHAR(40)   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url           VARCHAR(2048) NOT NULL,
    -- ",call.ringing,call.completed," so one LIKE finds the subscriptions of an event.
    events        VARCHAR(200)  NOT NULL,
    -- The HMAC secret, sealed with SecretBox (AES-GCM); never returned by the API.
    secret_enc    VARCHAR(1024) NOT NULL,
    enabled       BOOLEAN       DEFAULT TRUE NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX webhook_subscriptions_workspace ON webhook_subscriptions (workspace_id, created_at, id);
