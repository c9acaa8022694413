-- A workspace's ASAPP-style call-transfer settings (seed 004), overriding patchbay.asapp.* for its
-- transfers. NULL means "use the gateway's default".
CREATE TABLE asapp_integrations (
    workspace_id          VARCHAR(40)  PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    -- The bot for transferred calls whose Request-URI user is no DID of the workspace.
    bot_id                VARCHAR(40)  REFERENCES bots (id) ON DELETE SET NULL,
    transfer_ttl_seconds  INTEGER,
    return_transfer_type  VARCHAR(8),
    updated_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT asapp_integrations_return_known CHECK (return_transfer_type IN ('BYE', 'REFER', 'INVITE'))
);
