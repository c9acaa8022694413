-- DTMF to the far end per trunk (issue 14 part 4). auto: RFC 4733 when the far end negotiated
-- telephone-event, else in-band Q.23 tones; rfc4733: events only (refused when not negotiated);
-- inband: tones always; info: SIP INFO application/dtmf-relay, for far ends known to want it.
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).
ALTER TABLE trunks ADD COLUMN dtmf_mode VARCHAR(8) DEFAULT 'auto' NOT NULL;
ALTER TABLE trunks ADD CONSTRAINT trunks_dtmf_mode_known CHECK (dtmf_mode IN ('auto', 'rfc4733', 'inband', 'info'));
