-- Issue 21: a call's page shows the INVITE's SIP headers and the call's quality, for every call.
-- Portable SQL: runs on PostgreSQL and H2 alike, through one placeholder (Migrations).

-- JSON text, JSONB on PostgreSQL (so an operator can query it: sip_headers->'headers' @> '[{"name":"X-Customer-Id"}]').
-- A domain, so one statement stores it on both databases: CAST(? AS json_document) parses the text into JSONB
-- on PostgreSQL, and on H2 (a VARCHAR domain; its JSON type would store a parameter as one JSON string) keeps it as given.
CREATE DOMAIN json_document AS ${json_document_type};

-- The inbound INVITE's headers: {"headers": [{"name", "value"[, "truncated": true]}...], "omitted": n}, in the
-- INVITE's order with repeats, bounded by InviteHeaders (control-plane); Authorization and Proxy-Authorization are
-- never stored. Null for outbound calls and for calls from before V29.
ALTER TABLE calls ADD COLUMN sip_headers json_document;

-- The caller's media at hang-up, from the media-plane's RtpStats (RFC 3550 A.3 and A.8): packets expected and
-- lost, interarrival jitter, loss as a fraction of expected (0..1), and the E-model MOS estimate (CallQuality).
-- All null when unknown (the call's node was lost, or it ended before V29); expected 0 with the rest null when the
-- call carried no media (rejected, never answered).
ALTER TABLE calls ADD COLUMN rtp_packets_expected BIGINT;
ALTER TABLE calls ADD COLUMN rtp_packets_lost BIGINT;
ALTER TABLE calls ADD COLUMN jitter_ms DOUBLE PRECISION;
ALTER TABLE calls ADD COLUMN packet_loss DOUBLE PRECISION;
ALTER TABLE calls ADD COLUMN mos DOUBLE PRECISION;
