package dev.patchbay.agents.calls;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/** The {@code agent_calls} rows, and the session's call history joined with the calls themselves. */
public final class AgentCallStore {

    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    /** One page of a session's history. */
    public record Page(List<Map<String, Object>> rows, long total) { }

    private final DbClient db;

    public AgentCallStore(DbClient db) {
        this.db = db;
    }

    public void insert(DbExecute tx, AgentCall a) {
        tx.namedInsert("agent-call-store-insert", a.callId(), a.sessionId(), a.agentId(), a.privacyMode(), a.callerIdName(), a.maxDuration(),
                a.recordCall(), a.transcribe(), a.language(), a.webhookUrl(), a.metadataJson(), a.country(), a.numberType(),
                a.rateMicros(), a.currency(), a.jobId(), Db.utc(a.createdAt()));
    }

    public Optional<AgentCall> find(String callId) {
        return db.execute().namedGet("agent-call-store-by-call", callId).map(AgentCallStore::call);
    }

    /** Records the bill and quality once; false if another replica did already. */
    public boolean billed(String callId, int minutes, long costMicros, Double mos, Double jitterMs, Double loss) {
        return db.execute().namedDml("agent-call-store-billed", minutes, costMicros, mos, jitterMs, loss, callId) > 0;
    }

    public long callsSince(String sessionId, Instant since) {
        return db.execute().namedGet("agent-call-store-calls-since", sessionId, Db.utc(since)).map(r -> ((Number) Db.columns(r).get("n")).longValue())
                .orElse(0L);
    }

    /**
     * When a session that placed {@code placed} calls since {@code since} may place another under
     * {@code limit} calls a window: when enough of the window's oldest calls age out of it.
     */
    public Optional<Instant> windowOpensAt(String sessionId, Instant since, long placed, int limit, java.time.Duration window) {
        return db.execute().namedGet("agent-call-store-window-calls", sessionId, Db.utc(since), Math.max(0, placed - limit))
                .map(r -> Db.instant(Db.columns(r).get("created_at")).plus(window));
    }

    /**
     * A session's calls, newest first. {@code statuses} empty means all; dates bound created_at (open
     * ends are the widest instants both databases store). Statuses go as one ",a,b," parameter.
     */
    public Page history(String sessionId, Instant start, Instant end, List<String> statuses, int limit, int offset) {
        String wanted = statuses.isEmpty() ? "" : "," + String.join(",", statuses) + ",";
        Object[] filter = {sessionId, Db.utc(start == null ? EARLIEST : start), Db.utc(end == null ? LATEST : end),
                wanted, wanted};
        long total = db.execute().namedGet("agent-call-store-history-count", filter)
                .map(r -> ((Number) Db.columns(r).get("n")).longValue()).orElse(0L);
        List<Object> paged = new ArrayList<>(List.of(filter));
        paged.add(limit);
        paged.add(offset);
        List<Map<String, Object>> rows = Db.list(db.execute().namedQuery("agent-call-store-history", paged.toArray()),
                Db::columns);
        return new Page(rows, total);
    }

    static AgentCall call(DbRow row) {
        return call(Db.columns(row));
    }

    static AgentCall call(Map<String, Object> c) {
        return new AgentCall((String) c.get("call_id"), (String) c.get("session_id"), (String) c.get("agent_id"),
                Boolean.TRUE.equals(c.get("privacy_mode")), (String) c.get("caller_id_name"),
                ((Number) c.get("max_duration")).intValue(), Boolean.TRUE.equals(c.get("record_call")),
                Boolean.TRUE.equals(c.get("transcribe")), (String) c.get("language"), (String) c.get("webhook_url"),
                (String) c.get("metadata"), (String) c.get("country"), (String) c.get("number_type"),
                ((Number) c.get("rate_micros")).longValue(), (String) c.get("currency"), (String) c.get("job_id"),
                c.get("billed_minutes") == null ? null : ((Number) c.get("billed_minutes")).intValue(),
                c.get("cost_micros") == null ? null : ((Number) c.get("cost_micros")).longValue(),
                c.get("mos") == null ? null : ((Number) c.get("mos")).doubleValue(),
                c.get("jitter_ms") == null ? null : ((Number) c.get("jitter_ms")).doubleValue(),
                c.get("packet_loss") == null ? null : ((Number) c.get("packet_loss")).doubleValue(),
                Db.instant(c.get("created_at")));
    }
}
