-- Contact-centre integrations configured per workspace (issue 5): Ameyo's SIP trunk plus its
-- transfer notification, and RingCentral RingCX bot SIP. Every value the vendors' guides
-- hard-code (IPs, hosts, tokens, notificationId) lives here, set through the admin API.
-- Portable SQL: the same file runs on PostgreSQL (production, tests) and H2 (local default).

CREATE TABLE ameyo_integrations (
    workspace_id       VARCHAR(40)    PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Comma-separated CIDRs (IPv4 or IPv6) the trunk's INVITEs may come from; Ameyo uses no digest.
    allowed_sources    VARCHAR(4000)  NOT NULL,
    -- sendAgentResponseForCallNotification on the tenant's Ameyo REST server.
    notification_url   VARCHAR(2048)  NOT NULL,
    -- The Authorization header value, sealed with SecretBox (AES-GCM); never returned by the API.
    authorization_enc  VARCHAR(2048),
    host_header        VARCHAR(255),
    notification_id    VARCHAR(64)    NOT NULL DEFAULT '95',
    -- JSON object merged under the bot's agent_response properties.
    properties         VARCHAR(8000)  NOT NULL DEFAULT '{}',
    -- How long after the notification Ameyo may take to send its BYE before Patchbay hangs up.
    bye_timeout_ms     INTEGER        NOT NULL DEFAULT 60000,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE ringcx_integrations (
    workspace_id       VARCHAR(40)    PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    -- A bot's INFO body beyond this is refused; 8 KiB matches the media-plane's limit.
    info_max_bytes     INTEGER        NOT NULL DEFAULT 8192,
    -- How long after the final INFO RingCX may take to send its BYE before Patchbay hangs up.
    bye_timeout_ms     INTEGER        NOT NULL DEFAULT 60000,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Ameyo's From display "<DID>|<CRT Object ID>": the DID in E.164 and as sent, and the CRT id
-- that the notification names as uniqueId.
ALTER TABLE calls ADD COLUMN ameyo_did VARCHAR(64);
ALTER TABLE calls ADD COLUMN ameyo_did_raw VARCHAR(64);
ALTER TABLE calls ADD COLUMN ameyo_crt VARCHAR(128);

-- Every SIP header of an INVITE now reaches the bot as a custom parameter (RingCX); V4 already
-- widened calls.custom_parameters far enough for that (262144 characters).
