package dev.patchbay.admin.call;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.admin.audit.AuditEntry;
import dev.patchbay.admin.audit.AuditLog;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/**
 * Reads the calls the control-plane writes ({@code calls}, {@code call_events}): the call log
 * newest first, the calls in progress and one call's timeline. It writes only events (who asked for
 * a hang-up); every query takes the workspace, null meaning every workspace, which only operator
 * routes pass.
 */
public final class CallLog {

    /** The first page of a newest-first list starts before every row. */
    private static final Instant NEWEST = Instant.parse("9999-12-31T00:00:00Z");

    private final DbClient db;
    private final Clock clock;

    public CallLog(DbClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Adds an event to a call's timeline, as the control-plane does for the actions it takes. */
    public void event(String callId, String type, String detail) {
        db.execute().namedInsert("insert-call-event", callId, Db.utc(clock.instant()), type, detail);
    }

    /**
     * An action the admin API took on a call: its timeline event and its audit row, in one transaction, so
     * neither is written without the other.
     */
    public void acted(String callId, String type, String detail, AuditEntry audit) {
        Db.inTransaction(db, tx -> {
            tx.namedInsert("insert-call-event", callId, Db.utc(clock.instant()), type, detail);
            AuditLog.record(tx, audit);
            return null;
        });
    }

    /** Newest first; the cursor is the last row's (created_at, id), read as "older than". */
    public PageRequest.Page<CallSummary> search(CallFilter f, PageRequest page) {
        boolean first = page.afterId().isEmpty();
        Instant before = first ? NEWEST : page.afterTime();
        String like = f.number() == null ? null : "%" + f.number() + "%";
        List<CallSummary> rows = Db.list(db.execute().namedQuery("select-calls",
                f.workspaceId(), f.workspaceId(), f.status(), f.status(), like, like, like,
                Db.utc(f.from()), Db.utc(f.to()), Db.utc(before), page.afterId(),
                page.fetch()), CallLog::summary);
        return page.page(rows, CallSummary::createdAt, CallSummary::id);
    }

    /** Calls not yet ended, oldest first: what the live page shows. */
    public List<CallSummary> live(String workspaceId) {
        return Db.list(db.execute().namedQuery("select-live-calls", workspaceId, workspaceId), CallLog::summary);
    }

    public Optional<CallSummary> call(String workspaceId, String callId) {
        return db.execute().namedGet("select-call", callId, workspaceId).map(CallLog::summary);
    }

    /**
     * The call's stored SIP fields (its INVITE's headers as the control-plane's JSON text) and quality columns by
     * name, null where not recorded; empty for a call not in {@code workspaceId}.
     */
    public Map<String, Object> sipAndQuality(String workspaceId, String callId) {
        return db.execute().namedGet("select-call-sip-quality", callId, workspaceId).map(Db::columns).orElse(Map.of());
    }

    public List<CallEvent> events(String callId) {
        return Db.list(db.execute().namedQuery("select-call-events", callId), row -> {
            Map<String, Object> c = Db.columns(row);
            return new CallEvent(((Number) c.get("id")).longValue(), Db.instant(c.get("at")), (String) c.get("type"),
                    (String) c.get("detail"));
        });
    }

    private static CallSummary summary(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        Object sip = c.get("sip_status");
        return new CallSummary((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("bot_id"),
                (String) c.get("direction"), (String) c.get("status"), (String) c.get("from_number"),
                (String) c.get("to_number"), (String) c.get("media_node"), (String) c.get("hangup_cause"),
                sip == null ? null : ((Number) sip).intValue(), (String) c.get("reason"),
                (String) c.get("recording_url"), Db.instant(c.get("created_at")), Db.instant(c.get("answered_at")),
                Db.instant(c.get("ended_at")));
    }
}
