-- The agents' API (seed 003), continued: speech rendered by POST /api/v1/agents/voice-synthesis,
-- served back at its audio_url until it expires, and the transcription a call was asked for
-- (POST /api/v1/calls/{call_id}/transcribe). BYTEA is PostgreSQL's binary type; H2 reads it as
-- VARBINARY, so this file runs on both.

CREATE TABLE agent_audio (
    id                 VARCHAR(40)   PRIMARY KEY,
    workspace_id       VARCHAR(40)   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- A 16-bit mono WAV as espeak-ng wrote it; text is capped, so a clip stays a few MB at most.
    wav                BYTEA         NOT NULL,
    duration_seconds   DOUBLE PRECISION NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX agent_audio_expiry ON agent_audio (expires_at);

-- One per call: asking again updates the settings and keeps the id.
CREATE TABLE agent_transcriptions (
    id                 VARCHAR(40)   PRIMARY KEY,
    call_id            VARCHAR(40)   NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    language           VARCHAR(35),
    -- Where transcription.updated goes for this call, if the agent named one.
    webhook_url        VARCHAR(2048),
    interim_results    BOOLEAN       NOT NULL,
    speaker_labels     BOOLEAN       NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT agent_transcriptions_call_unique UNIQUE (call_id)
);
