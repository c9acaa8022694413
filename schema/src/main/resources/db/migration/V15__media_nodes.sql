-- Media-plane nodes register themselves here (issue 16): a row per node, renewed by heartbeat.
-- A node whose heartbeat_at is older than the lapse (patchbay.node.lapse) is dead; one
-- control-plane replica claims it (state 'lost', lost_by, lost_claim_until) to end its calls'
-- records, then deletes the row. Timestamps are written from the node's clock and compared with
-- the replica's: hosts run NTP, and the lapse (10 s) dwarfs its skew.
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).
CREATE TABLE media_nodes (
    node_id          VARCHAR(128)  PRIMARY KEY,
    sip_address      VARCHAR(256)  NOT NULL,
    rtp_address      VARCHAR(256)  NOT NULL,
    grpc_address     VARCHAR(256)  NOT NULL,
    capacity         INTEGER       NOT NULL,
    current_calls    INTEGER       NOT NULL,
    state            VARCHAR(16)   NOT NULL,
    started_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    lost_by          VARCHAR(128),
    lost_claim_until TIMESTAMP WITH TIME ZONE,
    CONSTRAINT media_nodes_state_known CHECK (state IN ('active', 'draining', 'lost'))
);
-- The live-call lookup of a lost node's calls.
CREATE INDEX calls_media_node_live ON calls (media_node, ended_at);
