package dev.patchbay.control.integration.ringcx;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/**
 * What the control-plane reads of a workspace's RingCX integration (V5). Read on every use, so a change
 * through the admin API applies to the very next call.
 */
public final class RingCxIntegration {

    /** A workspace's RingCX settings. */
    public record Settings(String workspaceId, int infoMaxBytes, Duration byeTimeout) { }

    private final DbClient db;

    public RingCxIntegration(DbClient db) {
        this.db = db;
    }

    public Optional<Settings> settings(String workspaceId) {
        if (workspaceId == null) {
            return Optional.empty();
        }
        return db.execute().namedGet("select-ringcx-integration", workspaceId).map(row -> {
            Map<String, Object> c = Db.columns(row);
            return new Settings(workspaceId, ((Number) c.get("info_max_bytes")).intValue(),
                    Duration.ofMillis(((Number) c.get("bye_timeout_ms")).longValue()));
        });
    }
}
