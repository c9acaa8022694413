-- Tenants, their bots and the numbers that reach them.
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).

CREATE TABLE workspaces (
    id          VARCHAR(40)  PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    enabled     BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE bots (
    id            VARCHAR(40)   PRIMARY KEY,
    workspace_id  VARCHAR(40)   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          VARCHAR(200)  NOT NULL,
    kind          VARCHAR(16)   NOT NULL,
    url           VARCHAR(2048),
    dialect       VARCHAR(32),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT bots_kind_known CHECK (kind IN ('echo', 'wss', 'grpc', 'webhook'))
);
CREATE INDEX bots_workspace ON bots (workspace_id);

-- A DID is unique across the platform: one number reaches exactly one bot.
CREATE TABLE dids (
    id            VARCHAR(40)  PRIMARY KEY,
    workspace_id  VARCHAR(40)  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    number        VARCHAR(64)  NOT NULL,
    bot_id        VARCHAR(40)  NOT NULL REFERENCES bots (id),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT dids_number_unique UNIQUE (number)
);
CREATE INDEX dids_workspace ON dids (workspace_id);
CREATE INDEX dids_bot ON dids (bot_id);
