-- Seed 004: a call transfer's id is the client's own, unique within its workspace only. V4 made it
-- unique platform-wide, so a 409 told one tenant that another had used an id. The table is rebuilt
-- with the key (workspace_id, id) because the name of V4's primary-key constraint differs between
-- PostgreSQL and H2; this copy runs unchanged on both.

CREATE TABLE call_transfers_by_workspace (
    id                        VARCHAR(128)   NOT NULL,
    workspace_id              VARCHAR(40)    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    external_conversation_id  VARCHAR(256)   NOT NULL,
    type                      VARCHAR(8)     NOT NULL,
    return_uri                VARCHAR(1024),
    return_transfer_type      VARCHAR(8)     NOT NULL,
    return_auth_username      VARCHAR(255),
    return_auth_password_enc  VARCHAR(1024),
    input_context             VARCHAR(65536),
    output_context            VARCHAR(65536),
    status                    VARCHAR(16)    NOT NULL,
    call_id                   VARCHAR(40),
    created_at                TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at                TIMESTAMP WITH TIME ZONE NOT NULL,
    call_received_at          TIMESTAMP WITH TIME ZONE,
    completed_at              TIMESTAMP WITH TIME ZONE,
    CONSTRAINT call_transfers_workspace_id PRIMARY KEY (workspace_id, id),
    CONSTRAINT call_transfers_type_known2 CHECK (type IN ('SIP')),
    CONSTRAINT call_transfers_return_known2 CHECK (return_transfer_type IN ('BYE', 'REFER', 'INVITE')),
    CONSTRAINT call_transfers_status_known2 CHECK (status IN ('ACTIVE', 'ONGOING', 'COMPLETED', 'EXPIRED'))
);

INSERT INTO call_transfers_by_workspace
SELECT id, workspace_id, external_conversation_id, type, return_uri, return_transfer_type, return_auth_username,
       return_auth_password_enc, input_context, output_context, status, call_id, created_at, expires_at,
       call_received_at, completed_at
  FROM call_transfers;

DROP TABLE call_transfers;
ALTER TABLE call_transfers_by_workspace RENAME TO call_transfers;

CREATE INDEX call_transfers_conversation ON call_transfers (workspace_id, external_conversation_id, created_at);
CREATE INDEX call_transfers_call ON call_transfers (call_id);
CREATE INDEX call_transfers_active ON call_transfers (status, expires_at);
-- An INVITE carries the id alone: routing finds every workspace's transfer of that id.
CREATE INDEX call_transfers_id ON call_transfers (id);
