-- Outgoing callbacks (hangup, status) waiting for delivery. A row is written in the same
-- transaction as the event it reports, so nothing is lost; a worker delivers it at least once.
-- Rows are never deleted: 'delivered' and 'failed' rows are the delivery log.
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).

CREATE TABLE outbox (
    id               VARCHAR(40)    PRIMARY KEY,
    -- No foreign keys: the delivery log outlives calls and workspaces (V2 owns calls).
    workspace_id     VARCHAR(40)    NOT NULL,
    call_id          VARCHAR(64),
    kind             VARCHAR(32)    NOT NULL,
    url              VARCHAR(2048)  NOT NULL,
    -- JSON text; VARCHAR rather than TEXT because H2 maps TEXT to a CLOB.
    body             VARCHAR(1048576) NOT NULL,
    -- Id of the HMAC key that signs this row, never the secret itself.
    signing_key_id   VARCHAR(100)   NOT NULL,
    state            VARCHAR(16)    NOT NULL DEFAULT 'pending',
    attempts         INTEGER        NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    -- A claim is a lease: a worker that dies mid-delivery frees the row when claimed_until passes.
    claimed_by       VARCHAR(64),
    claimed_until    TIMESTAMP WITH TIME ZONE,
    last_status      INTEGER,
    last_error       VARCHAR(1000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT outbox_state_known CHECK (state IN ('pending', 'delivered', 'failed'))
);

-- The due-rows poll: WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at.
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_workspace ON outbox (workspace_id, created_at);
CREATE INDEX outbox_call ON outbox (call_id);
