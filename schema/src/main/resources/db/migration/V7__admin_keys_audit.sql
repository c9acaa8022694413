-- Workspace-scoped admin keys and the configuration audit log (issue 6).
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).

-- Admin keys are api_keys rows with scope 'admin': the same id.secret token, SHA-256 at rest,
-- revocation and rotation. The control-plane accepts only scope 'provider' rows.
ALTER TABLE api_keys ADD COLUMN scope VARCHAR(16) DEFAULT 'provider' NOT NULL;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_known CHECK (scope IN ('provider', 'admin'));
-- Keyset pagination of a workspace's keys of one scope.
CREATE INDEX api_keys_workspace_page ON api_keys (workspace_id, scope, created_at, id);
-- revoked_at may now lie in the future: a rotated key keeps working until the overlap ends.

-- Who changed which configuration, when, and how. Written in the transaction of the change.
CREATE TABLE audit_log (
    id             VARCHAR(40)    PRIMARY KEY,
    -- No foreign key: the record of a deleted workspace must outlive it. Null for platform-wide changes.
    workspace_id   VARCHAR(40),
    -- 'operator', or the id of the admin key that made the change (never a secret).
    actor          VARCHAR(64)    NOT NULL,
    resource_type  VARCHAR(32)    NOT NULL,
    resource_id    VARCHAR(128)   NOT NULL,
    action         VARCHAR(16)    NOT NULL,
    -- JSON object of changed fields {"field": [before, after]}, from the API representation, which never holds secrets.
    diff           VARCHAR(16000) NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT audit_log_action_known CHECK (action IN ('create', 'update', 'delete', 'rotate', 'revoke'))
);
CREATE INDEX audit_log_workspace_page ON audit_log (workspace_id, created_at, id);
CREATE INDEX audit_log_page ON audit_log (created_at, id);
-- Lists page by (created_at, id); these back the pages of workspaces, bots, DIDs and trunks.
CREATE INDEX workspaces_page ON workspaces (created_at, id);
CREATE INDEX bots_workspace_page ON bots (workspace_id, created_at, id);
CREATE INDEX dids_workspace_page ON dids (workspace_id, created_at, id);
