-- REGISTER client (issue 19 part 4): an outbound trunk may keep a registration at a carrier's or
-- PBX's registrar, so that calls reach Patchbay through it. One row per registering trunk.
-- The admin-api writes the settings (registrar .. revision); the media node holding the lease
-- writes the rest. Exactly one live node holds a row: it claims it when holder_node is NULL or
-- lease_until has passed, renews lease_until well before it lapses, and clears holder_node when it
-- drains. Timestamps come from the nodes' clocks (NTP; the lease is seconds, skew milliseconds).
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).
CREATE TABLE trunk_registrations (
    trunk_id      VARCHAR(40)   PRIMARY KEY REFERENCES trunks (id) ON DELETE CASCADE,
    workspace_id  VARCHAR(40)   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- sip:host[:port]; the address of record is sip:<username>@<host>
    registrar     VARCHAR(300)  NOT NULL,
    transport     VARCHAR(8)    NOT NULL,
    username      VARCHAR(255)  NOT NULL,
    -- sealed with SecretBox (AES-GCM), like trunks.password_enc
    password_enc  VARCHAR(1024) NOT NULL,
    -- seconds asked for in Expires; the registrar may grant less (or demand more with 423)
    expires       INTEGER       NOT NULL,
    -- the Contact user part: random, unique, and how an INVITE sent to the Contact finds the trunk
    contact_user  VARCHAR(64)   NOT NULL,
    -- bumped on every settings change, so the holder re-registers with the new ones
    revision      INTEGER       NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    -- written by the holder
    state         VARCHAR(16)   NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE,
    last_error    VARCHAR(500),
    holder_node   VARCHAR(128),
    lease_until   TIMESTAMP WITH TIME ZONE,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT trunk_registrations_contact_user UNIQUE (contact_user),
    CONSTRAINT trunk_registrations_transport_known CHECK (transport IN ('udp', 'tcp', 'tls')),
    CONSTRAINT trunk_registrations_state_known CHECK (state IN ('unregistered', 'registering', 'registered', 'failed')),
    CONSTRAINT trunk_registrations_expires_range CHECK (expires BETWEEN 60 AND 86400)
);
CREATE INDEX trunk_registrations_workspace ON trunk_registrations (workspace_id);
