-- Issue 14 part 5: early media while a call rings (183 Session Progress with SDP, then a ringback tone
-- or a WAV clip until the answer). Portable SQL: the same file runs on PostgreSQL and H2.

-- none: 180 Ringing and no media (the behaviour before V14); ringback: a generated tone
-- (patchbay.control.early-media.ringback); clip: the WAV file early_media_clip names in the
-- control-plane's clip folder (patchbay.control.early-media.clips).
ALTER TABLE bots ADD COLUMN early_media VARCHAR(16) DEFAULT 'none' NOT NULL;
ALTER TABLE bots ADD CONSTRAINT bots_early_media_values CHECK (early_media IN ('none', 'ringback', 'clip'));
ALTER TABLE bots ADD COLUMN early_media_clip VARCHAR(128);
ALTER TABLE bots ADD CONSTRAINT bots_early_media_clip_set CHECK ((early_media = 'clip' AND early_media_clip IS NOT NULL)
    OR (early_media <> 'clip' AND early_media_clip IS NULL));

-- A DID may override its bot's choice; NULL keeps the bot's.
ALTER TABLE dids ADD COLUMN early_media VARCHAR(16);
ALTER TABLE dids ADD CONSTRAINT dids_early_media_values CHECK (early_media IS NULL OR early_media IN ('none', 'ringback', 'clip'));
ALTER TABLE dids ADD COLUMN early_media_clip VARCHAR(128);
ALTER TABLE dids ADD CONSTRAINT dids_early_media_clip_set CHECK ((early_media = 'clip' AND early_media_clip IS NOT NULL)
    OR (COALESCE(early_media, '') <> 'clip' AND early_media_clip IS NULL));
