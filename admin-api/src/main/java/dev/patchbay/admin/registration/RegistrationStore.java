package dev.patchbay.admin.registration;

import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/** V22 {@code trunk_registrations} through the named statements in application.yaml, workspace-scoped. */
final class RegistrationStore {

    private RegistrationStore() {
    }

    /** @param lock read {@code FOR UPDATE}, for a check-then-write in the same transaction */
    static Optional<TrunkRegistration> find(DbExecute exec, String workspaceId, String trunkId, boolean lock) {
        return exec.namedGet(lock ? "select-registration-for-update" : "select-registration", workspaceId, trunkId)
                .map(RegistrationStore::row);
    }

    static void insert(DbExecute tx, TrunkRegistration r) {
        tx.namedInsert("insert-registration", r.trunkId(), r.workspaceId(), r.registrar(), r.transport(), r.username(),
                r.passwordEnc(), r.expires(), r.contactUser(), r.revision(), Db.utc(r.createdAt()), r.state(),
                Db.utc(r.updatedAt()));
    }

    /** New settings and a new revision: the holder sees the revision change and registers again. */
    static void updateSettings(DbExecute tx, TrunkRegistration r) {
        tx.namedUpdate("update-registration", r.registrar(), r.transport(), r.username(), r.passwordEnc(), r.expires(),
                r.revision(), Db.utc(r.updatedAt()), r.workspaceId(), r.trunkId());
    }

    static boolean delete(DbExecute tx, String workspaceId, String trunkId) {
        return tx.namedDelete("delete-registration", workspaceId, trunkId) > 0;
    }

    private static TrunkRegistration row(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new TrunkRegistration((String) c.get("trunk_id"), (String) c.get("workspace_id"), (String) c.get("registrar"),
                (String) c.get("transport"), (String) c.get("username"), (String) c.get("password_enc"),
                ((Number) c.get("expires")).intValue(), (String) c.get("contact_user"), ((Number) c.get("revision")).intValue(),
                Db.instant(c.get("created_at")), (String) c.get("state"), Db.instant(c.get("expires_at")),
                (String) c.get("last_error"), (String) c.get("holder_node"), Db.instant(c.get("lease_until")),
                Db.instant(c.get("updated_at")));
    }
}
