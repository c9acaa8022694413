-- Issue 18 §4: recordings stay on the media node that made them. Deleting one (retention, session
-- delete) clears the call's recording_url at once and queues the file here; any replica's sweeper
-- deletes it on its node and removes the row, retrying while the node is unreachable.
CREATE TABLE recording_deletions (
    call_id       VARCHAR(40)   NOT NULL PRIMARY KEY,
    workspace_id  VARCHAR(40),
    media_node    VARCHAR(256)  NOT NULL,
    queued_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The retention sweep looks for recorded calls that ended before its cut-off.
CREATE INDEX calls_recorded_ended ON calls (ended_at, id);
