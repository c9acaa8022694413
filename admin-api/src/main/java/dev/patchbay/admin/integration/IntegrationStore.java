package dev.patchbay.admin.integration;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * The V5 integration rows, through the named statements in application.yaml. One row per
 * workspace and kind. Every method runs on the executor it is given, so a write, the read that
 * guards it and its audit entry share one transaction.
 */
final class IntegrationStore {

    /** An Ameyo row as stored; {@code authorizationEnc} is SecretBox ciphertext or null. */
    record Ameyo(String allowedSources, String notificationUrl, String authorizationEnc, String host, String notificationId,
                 String propertiesJson, int byeTimeoutMs, Instant updatedAt) { }

    record RingCx(int infoMaxBytes, int byeTimeoutMs, Instant updatedAt) { }

    /** An ASAPP row; null fields fall back to the gateway's patchbay.asapp.* settings. */
    record Asapp(String botId, Integer transferTtlSeconds, String returnTransferType, Instant updatedAt) { }

    private IntegrationStore() {
    }

    /** @param lock read {@code FOR UPDATE}, for a check-then-write in the same transaction */
    static Optional<Ameyo> ameyo(DbExecute exec, String workspaceId, boolean lock) {
        return exec.namedGet(lock ? "select-ameyo-integration-for-update" : "select-ameyo-integration", workspaceId)
                .map(IntegrationStore::ameyoRow);
    }

    static void writeAmeyo(DbExecute tx, String workspaceId, Ameyo a, boolean exists) {
        Object[] values = {a.allowedSources(), a.notificationUrl(), a.authorizationEnc(), a.host(), a.notificationId(),
            a.propertiesJson(), a.byeTimeoutMs(), Db.utc(a.updatedAt()), workspaceId};
        if (exists) {
            tx.namedUpdate("update-ameyo-integration", values);
        } else {
            tx.namedInsert("insert-ameyo-integration", values);
        }
    }

    static boolean deleteAmeyo(DbExecute exec, String workspaceId) {
        return exec.namedDelete("delete-ameyo-integration", workspaceId) > 0;
    }

    static Optional<RingCx> ringCx(DbExecute exec, String workspaceId, boolean lock) {
        return exec.namedGet(lock ? "select-ringcx-integration-for-update" : "select-ringcx-integration", workspaceId)
                .map(row -> {
                    Map<String, Object> c = Db.columns(row);
                    return new RingCx(((Number) c.get("info_max_bytes")).intValue(),
                            ((Number) c.get("bye_timeout_ms")).intValue(), Db.instant(c.get("updated_at")));
                });
    }

    static void writeRingCx(DbExecute tx, String workspaceId, RingCx r, boolean exists) {
        Object[] values = {r.infoMaxBytes(), r.byeTimeoutMs(), Db.utc(r.updatedAt()), workspaceId};
        if (exists) {
            tx.namedUpdate("update-ringcx-integration", values);
        } else {
            tx.namedInsert("insert-ringcx-integration", values);
        }
    }

    static boolean deleteRingCx(DbExecute exec, String workspaceId) {
        return exec.namedDelete("delete-ringcx-integration", workspaceId) > 0;
    }

    static Optional<Asapp> asapp(DbExecute exec, String workspaceId, boolean lock) {
        return exec.namedGet(lock ? "select-asapp-integration-for-update" : "select-asapp-integration", workspaceId)
                .map(row -> {
                    Map<String, Object> c = Db.columns(row);
                    return new Asapp((String) c.get("bot_id"), c.get("transfer_ttl_seconds") == null ? null
                            : ((Number) c.get("transfer_ttl_seconds")).intValue(), (String) c.get("return_transfer_type"),
                            Db.instant(c.get("updated_at")));
                });
    }

    static void writeAsapp(DbExecute tx, String workspaceId, Asapp a, boolean exists) {
        Object[] values = {a.botId(), a.transferTtlSeconds(), a.returnTransferType(), Db.utc(a.updatedAt()), workspaceId};
        if (exists) {
            tx.namedUpdate("update-asapp-integration", values);
        } else {
            tx.namedInsert("insert-asapp-integration", values);
        }
    }

    static boolean deleteAsapp(DbExecute exec, String workspaceId) {
        return exec.namedDelete("delete-asapp-integration", workspaceId) > 0;
    }

    private static Ameyo ameyoRow(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new Ameyo((String) c.get("allowed_sources"), (String) c.get("notification_url"),
                (String) c.get("authorization_enc"), (String) c.get("host_header"), (String) c.get("notification_id"),
                (String) c.get("properties"), ((Number) c.get("bye_timeout_ms")).intValue(), Db.instant(c.get("updated_at")));
    }
}
