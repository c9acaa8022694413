package dev.patchbay.admin.audit;

import java.util.List;
import java.util.Map;

import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/** The {@code audit_log} table, through the named statements in application.yaml. */
public final class AuditLog {

    private final DbClient db;

    public AuditLog(DbClient db) {
        this.db = db;
    }

    /** Writes an entry on {@code tx}: the caller passes the transaction of the change it records. */
    public static void record(DbExecute tx, AuditEntry e) {
        tx.namedInsert("insert-audit", e.id(), e.workspaceId(), e.actor(), e.resourceType(), e.resourceId(),
                e.action(), e.diff(), Db.utc(e.createdAt()));
    }

    /** One workspace's entries, or every entry when {@code workspaceId} is null; oldest first. */
    public PageRequest.Page<AuditEntry> page(String workspaceId, PageRequest page) {
        Object[] after = {Db.utc(page.afterTime()), Db.utc(page.afterTime()), page.afterId(), page.fetch()};
        List<AuditEntry> rows = workspaceId == null
                ? Db.list(db.execute().namedQuery("select-audit-all", after), AuditLog::entry)
                : Db.list(db.execute().namedQuery("select-audit", prepend(workspaceId, after)), AuditLog::entry);
        return page.page(rows, AuditEntry::createdAt, AuditEntry::id);
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static AuditEntry entry(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new AuditEntry((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("actor"),
                (String) c.get("resource_type"), (String) c.get("resource_id"), (String) c.get("action"),
                (String) c.get("diff"), Db.instant(c.get("created_at")));
    }
}
