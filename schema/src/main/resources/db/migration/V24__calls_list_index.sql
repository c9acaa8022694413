-- GET /v1/calls and the admin console's call search page a workspace's calls newest first, with
-- (created_at, id) as the cursor. This index is in that exact order, so a page reads LIMIT index
-- entries in order and stops, with no sort of every call in the time range.
-- Portable SQL: runs on PostgreSQL and H2 alike.
CREATE INDEX calls_workspace_newest ON calls (workspace_id, created_at DESC, id DESC);

-- Its leading columns are the old index's, so it serves every (workspace_id, created_at) lookup the
-- old one did; keeping both would only cost every call insert a second index write.
DROP INDEX calls_workspace_created;
