-- ASAPP-style API-based SIP transfers (seed 004): a contact centre creates a transfer with context,
-- sends the call with X-ASAPP-CallTransferId, and reads the bot's outputContext afterwards.
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).

CREATE TABLE call_transfers (
    -- The client's own id. It is the only thing the INVITE carries, so it is unique platform-wide.
    id                        VARCHAR(128)   PRIMARY KEY,
    workspace_id              VARCHAR(40)    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    external_conversation_id  VARCHAR(256)   NOT NULL,
    type                      VARCHAR(8)     NOT NULL,
    -- Kept byte for byte as the client sent it: it goes back out verbatim in Refer-To.
    return_uri                VARCHAR(1024),
    return_transfer_type      VARCHAR(8)     NOT NULL,
    return_auth_username      VARCHAR(255),
    -- AES-GCM ciphertext (SecretBox), never plain.
    return_auth_password_enc  VARCHAR(1024),
    -- JSON text; VARCHAR rather than TEXT because H2 maps TEXT to a CLOB. Bodies are capped at 64 KiB.
    input_context             VARCHAR(65536),
    output_context            VARCHAR(65536),
    status                    VARCHAR(16)    NOT NULL,
    -- No foreign key: the call row is written in the same transaction that claims the transfer.
    call_id                   VARCHAR(40),
    created_at                TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at                TIMESTAMP WITH TIME ZONE NOT NULL,
    call_received_at          TIMESTAMP WITH TIME ZONE,
    completed_at              TIMESTAMP WITH TIME ZONE,
    CONSTRAINT call_transfers_type_known CHECK (type IN ('SIP')),
    CONSTRAINT call_transfers_return_known CHECK (return_transfer_type IN ('BYE', 'REFER', 'INVITE')),
    CONSTRAINT call_transfers_status_known CHECK (status IN ('ACTIVE', 'ONGOING', 'COMPLETED', 'EXPIRED'))
);
-- Reconnects look up the latest earlier leg of a conversation.
CREATE INDEX call_transfers_conversation ON call_transfers (workspace_id, external_conversation_id, created_at);
CREATE INDEX call_transfers_call ON call_transfers (call_id);
-- The expiry sweep.
CREATE INDEX call_transfers_active ON call_transfers (status, expires_at);

-- A transferred call hands its inputContext (up to 64 KiB of JSON) and a reconnect's previous
-- outputContext to the bot as custom parameters, JSON-escaped; 8000 characters is too few for that.
ALTER TABLE calls ALTER COLUMN custom_parameters SET DATA TYPE VARCHAR(262144);
