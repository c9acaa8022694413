-- The audit log also records the operators' actions on calls and media nodes through the admin API
-- (issue 21): a hang-up, a transfer, DTMF sent (the number of digits, never the digits: they are often
-- a PIN) and a drain, each with who asked. Portable SQL: runs on PostgreSQL and H2.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_known;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_known
    CHECK (action IN ('create', 'update', 'delete', 'rotate', 'revoke', 'hangup', 'transfer', 'dtmf', 'drain'));
