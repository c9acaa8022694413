package dev.patchbay.admin.integration;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/** The V5 integration rows, through the named statements in application.yaml. One row per workspace and kind. */
final class IntegrationStore {

    /** An Ameyo row as stored; {@code authorizationEnc} is SecretBox ciphertext or null. */
    record Ameyo(String allowedSources, String notificationUrl, String authorizationEnc, String host, String notificationId,
                 String propertiesJson, int byeTimeoutMs, Instant updatedAt) { }

    record RingCx(int infoMaxBytes, int byeTimeoutMs, Instant updatedAt) { }

    private final DbClient db;

    IntegrationStore(DbClient db) {
        this.db = db;
    }

    Optional<Ameyo> ameyo(String workspaceId) {
        return db.execute().namedGet("select-ameyo-integration", workspaceId).map(row -> {
            Map<String, Object> c = Db.columns(row);
            return new Ameyo((String) c.get("allowed_sources"), (String) c.get("notification_url"),
                    (String) c.get("authorization_enc"), (String) c.get("host_header"), (String) c.get("notification_id"),
                    (String) c.get("properties"), ((Number) c.get("bye_timeout_ms")).intValue(), Db.instant(c.get("updated_at")));
        });
    }

    /** Inserts or replaces; a concurrent PUT for the same workspace makes the later one win, as a PUT should. */
    void putAmeyo(String workspaceId, Ameyo a) {
        Db.inTransaction(db, tx -> {
            Object[] values = {a.allowedSources(), a.notificationUrl(), a.authorizationEnc(), a.host(), a.notificationId(),
                a.propertiesJson(), a.byeTimeoutMs(), Db.utc(a.updatedAt()), workspaceId};
            if (tx.namedUpdate("update-ameyo-integration", values) == 0) {
                tx.namedInsert("insert-ameyo-integration", values);
            }
            return null;
        });
    }

    boolean deleteAmeyo(String workspaceId) {
        return db.execute().namedDelete("delete-ameyo-integration", workspaceId) > 0;
    }

    Optional<RingCx> ringCx(String workspaceId) {
        return db.execute().namedGet("select-ringcx-integration", workspaceId).map(row -> {
            Map<String, Object> c = Db.columns(row);
            return new RingCx(((Number) c.get("info_max_bytes")).intValue(), ((Number) c.get("bye_timeout_ms")).intValue(),
                    Db.instant(c.get("updated_at")));
        });
    }

    void putRingCx(String workspaceId, RingCx r) {
        Db.inTransaction(db, tx -> {
            Object[] values = {r.infoMaxBytes(), r.byeTimeoutMs(), Db.utc(r.updatedAt()), workspaceId};
            if (tx.namedUpdate("update-ringcx-integration", values) == 0) {
                tx.namedInsert("insert-ringcx-integration", values);
            }
            return null;
        });
    }

    boolean deleteRingCx(String workspaceId) {
        return db.execute().namedDelete("delete-ringcx-integration", workspaceId) > 0;
    }
}
