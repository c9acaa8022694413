package dev.patchbay.control.store;

import java.util.Map;
import java.util.Optional;

import dev.patchbay.control.model.TrunkDtmfMode;
import dev.patchbay.control.model.TrunkMedia;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/** What the provider API reads of a workspace's configuration: its API keys and its outbound trunk. */
public final class Tenants {

    /** An API key as stored: only the SHA-256 of its secret. */
    public record ApiKey(String id, String workspaceId, String secretSha256, boolean workspaceEnabled) { }

    /**
     * Where a workspace's outbound calls go; the password is still AES-GCM ciphertext.
     *
     * @param callerId         the trunk's caller ID (E.164), or null
     * @param callerIdOverride whether a call's own from is used; false pins every call to {@code callerId}
     */
    public record Trunk(String id, String host, int port, String transport, String username, String passwordEnc,
                        String callerId, boolean callerIdOverride, TrunkMedia media) {

        public Trunk(String id, String host, int port, String transport, String username, String passwordEnc,
                     String callerId, boolean callerIdOverride) {
            this(id, host, port, transport, username, passwordEnc, callerId, callerIdOverride, TrunkMedia.DEFAULT);
        }

        public TrunkDtmfMode dtmfMode() {
            return media.dtmfMode();
        }

        /** The From a call uses on this trunk. */
        public String from(String requested) {
            return !callerIdOverride && callerId != null ? callerId : requested;
        }

        @Override
        public String toString() {
            return "Trunk[id=" + id + ", host=" + host + ", port=" + port + ", transport=" + transport + ", username="
                    + username + ", password=" + (passwordEnc == null ? "<none>" : "<redacted>") + ", callerId=" + callerId
                    + ", callerIdOverride=" + callerIdOverride + ", media=" + media + "]";
        }
    }

    private final DbClient db;

    public Tenants(DbClient db) {
        this.db = db;
    }

    public Optional<ApiKey> apiKey(String id) {
        return db.execute().namedGet("select-api-key", id).map(row -> {
            Map<String, Object> c = Db.columns(row);
            return new ApiKey((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("secret_sha256"),
                    Boolean.TRUE.equals(c.get("enabled")));
        });
    }

    /** The workspace's outbound trunk: the oldest one, until trunks can be chosen per call. */
    public Optional<Trunk> outboundTrunk(String workspaceId) {
        return db.execute().namedGet("select-outbound-trunk", workspaceId).map(row -> {
            Map<String, Object> c = Db.columns(row);
            return new Trunk((String) c.get("id"), (String) c.get("host"), ((Number) c.get("port")).intValue(),
                    (String) c.get("transport"), (String) c.get("username"), (String) c.get("password_enc"),
                    (String) c.get("caller_id"), !Boolean.FALSE.equals(c.get("caller_id_override")),
                    TrunkMedia.fromColumns(c));
        });
    }

    /** Whether the workspace exists and is enabled. */
    public boolean workspaceEnabled(String workspaceId) {
        return db.execute().namedGet("select-workspace-enabled", workspaceId)
                .map(row -> Boolean.TRUE.equals(Db.columns(row).get("enabled"))).orElse(false);
    }

    /** The secret that signs the workspace's webhooks, or empty if none is set. */
    public Optional<String> webhookSecret(String workspaceId) {
        return db.execute().namedGet("select-webhook-secret", workspaceId)
                .map(row -> (String) Db.columns(row).get("webhook_secret"));
    }
}
