-- Issue 20: a call's write is retried while the database is unreachable (OutageRetry); when the commit
-- reached PostgreSQL but its answer was lost with the connection, the retry must not log the event twice.
-- Each logical write carries its own key: the retry's insert finds it (ON CONFLICT DO NOTHING), and a
-- retried state change that finds it knows it was its own. Rows written before, or by other writers, have
-- none (NULLs never conflict). Two events of one type at one instant stay two events, as they should.
ALTER TABLE call_events ADD COLUMN write_key UUID;
CREATE UNIQUE INDEX call_events_write_key ON call_events (write_key);
