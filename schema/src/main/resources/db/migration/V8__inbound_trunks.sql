-- Inbound trunks (issue 6 "Trunks", "SIP-side security"; issue 5 "ASAPP SIP auth"). A trunk is now
-- either outbound (where Patchbay's calls go, as before) or inbound (who may call the workspace's
-- DIDs). A workspace with at least one inbound trunk takes INVITEs only from a trunk's CIDRs over an
-- allowed transport, or with that trunk's digest credentials; one without keeps the open behaviour.
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).

-- Existing rows are outbound trunks.
ALTER TABLE trunks ADD COLUMN direction VARCHAR(8) DEFAULT 'outbound' NOT NULL;
ALTER TABLE trunks ADD CONSTRAINT trunks_direction_known CHECK (direction IN ('inbound', 'outbound'));

-- Inbound trunks have no far end to dial.
ALTER TABLE trunks ALTER COLUMN host DROP NOT NULL;
ALTER TABLE trunks ALTER COLUMN port DROP NOT NULL;
ALTER TABLE trunks ALTER COLUMN transport DROP NOT NULL;
ALTER TABLE trunks ADD CONSTRAINT trunks_outbound_far_end
    CHECK (direction = 'inbound' OR (host IS NOT NULL AND port IS NOT NULL AND transport IS NOT NULL));

-- Inbound: comma-separated CIDRs (IPv4 or IPv6) the trunk's INVITEs may come from; empty = digest only.
ALTER TABLE trunks ADD COLUMN allowed_cidrs VARCHAR(4000);
-- Inbound: comma-separated subset of udp, tcp, tls the INVITE may arrive over.
ALTER TABLE trunks ADD COLUMN transports VARCHAR(16);
-- Inbound: only TLS is accepted, whatever transports says.
ALTER TABLE trunks ADD COLUMN tls_required BOOLEAN DEFAULT FALSE NOT NULL;
-- username / password_enc (V2) are, for an inbound trunk, the digest credentials a caller may present
-- instead of a listed source; the password stays sealed with SecretBox (AES-GCM).

-- Outbound caller ID: the trunk's number, and whether a call's own from is used (false pins every
-- call on the trunk to caller_id, e.g. when the carrier only accepts its assigned number).
ALTER TABLE trunks ADD COLUMN caller_id VARCHAR(64);
ALTER TABLE trunks ADD COLUMN caller_id_override BOOLEAN DEFAULT TRUE NOT NULL;

CREATE INDEX trunks_workspace_direction ON trunks (workspace_id, direction);
