-- Ameyo's BYE timer (issue 18 §6), one row per call whose bot handed it back, so that any replica
-- enforces it: the wait for Ameyo's BYE starts when its notification was delivered (the outbox row's
-- delivered_at), not at the hand-back. Sweepers claim rows with FOR UPDATE SKIP LOCKED.
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).

CREATE TABLE ameyo_bye_timers (
    call_id          VARCHAR(64)    PRIMARY KEY,
    workspace_id     VARCHAR(40)    NOT NULL,
    -- The notification's outbox row; NULL when it could not even be queued (no integration any more).
    outbox_id        VARCHAR(40),
    -- The workspace's bye_timeout_ms when the call was handed back.
    bye_timeout_ms   BIGINT         NOT NULL,
    -- notifying: the outbox still tries; armed: delivered, due_at runs; fired: hung up for want of a BYE;
    -- gave_up: the notification failed for good and the call was hung up; to_bot: it failed and the bot
    -- has the call again; done: the call ended before the timer had anything to do.
    state            VARCHAR(16)    NOT NULL,
    due_at           TIMESTAMP WITH TIME ZONE,
    -- The replica that resolved the row, for the audit of who hung up.
    resolved_by      VARCHAR(64),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT ameyo_bye_timers_state_known CHECK (state IN ('notifying', 'armed', 'fired', 'gave_up', 'to_bot', 'done')),
    CONSTRAINT ameyo_bye_timers_armed_due CHECK (state <> 'armed' OR due_at IS NOT NULL)
);

CREATE INDEX ameyo_bye_timers_due ON ameyo_bye_timers (state, due_at);
CREATE INDEX ameyo_bye_timers_workspace ON ameyo_bye_timers (workspace_id);
