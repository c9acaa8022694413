package dev.patchbay.control.integration.ameyo;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/**
 * What the control-plane reads of a workspace's Ameyo integration (V5). Read on every use, so a change
 * through the admin API applies to the very next call.
 */
public final class AmeyoIntegration {

    /**
     * A workspace's Ameyo settings; {@code authorizationEnc} is still SecretBox ciphertext.
     *
     * @param allowedSources CIDRs the trunk's INVITEs may come from
     */
    public record Settings(String workspaceId, List<String> allowedSources, String notificationUrl, String authorizationEnc,
                           String hostHeader, String notificationId, String propertiesJson, Duration byeTimeout) { }

    private final DbClient db;

    public AmeyoIntegration(DbClient db) {
        this.db = db;
    }

    public Optional<Settings> settings(String workspaceId) {
        return db.execute().namedGet("select-ameyo-integration", workspaceId).map(row -> {
            Map<String, Object> c = Db.columns(row);
            String sources = (String) c.get("allowed_sources");
            return new Settings(workspaceId, Arrays.stream(sources.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
                    (String) c.get("notification_url"), (String) c.get("authorization_enc"), (String) c.get("host_header"),
                    (String) c.get("notification_id"), (String) c.get("properties"),
                    Duration.ofMillis(((Number) c.get("bye_timeout_ms")).longValue()));
        });
    }

    /** The workspace that owns {@code number}, if any workspace does. */
    public Optional<String> didOwner(String number) {
        return db.execute().namedGet("select-did-owner", number).map(row -> (String) Db.columns(row).get("workspace_id"));
    }
}
