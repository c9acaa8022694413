package dev.patchbay.control.agents.calls;

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

    private static final String INSERT = """
            INSERT INTO agent_calls (call_id, session_id, agent_id, privacy_mode, caller_id_name, max_duration, record_call,
                                     transcribe, language, webhook_url, metadata, country, number_type, rate_micros,
                                     currency, job_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String BY_CALL = "SELECT * FROM agent_calls WHERE call_id = ?";
    private static final String BILLED = """
            UPDATE agent_calls SET billed_minutes = ?, cost_micros = ?, mos = ?, jitter_ms = ?, packet_loss = ?
             WHERE call_id = ? AND billed_minutes IS NULL""";
    private static final String CALLS_SINCE = "SELECT COUNT(*) AS n FROM agent_calls WHERE session_id = ? AND created_at >= ?";
    // The oldest calls of the window first: the (count - limit + 1)th ages out when the window has room.
    private static final String WINDOW_CALLS = """
            SELECT created_at FROM agent_calls WHERE session_id = ? AND created_at >= ? ORDER BY created_at
             OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY""";
    private static final String HISTORY_FROM = """
             FROM agent_calls a JOIN calls c ON c.id = a.call_id
            WHERE a.session_id = ?""";

    /** One page of a session's history. */
    public record Page(List<Map<String, Object>> rows, long total) { }

    private final DbClient db;

    public AgentCallStore(DbClient db) {
        this.db = db;
    }

    public void insert(DbExecute tx, AgentCall a) {
        tx.insert(INSERT, a.callId(), a.sessionId(), a.agentId(), a.privacyMode(), a.callerIdName(), a.maxDuration(),
                a.recordCall(), a.transcribe(), a.language(), a.webhookUrl(), a.metadataJson(), a.country(), a.numberType(),
                a.rateMicros(), a.currency(), a.jobId(), Db.utc(a.createdAt()));
    }

    public Optional<AgentCall> find(String callId) {
        return db.execute().get(BY_CALL, callId).map(AgentCallStore::call);
    }

    /** Records the bill and quality once; false if another replica did already. */
    public boolean billed(String callId, int minutes, long costMicros, Double mos, Double jitterMs, Double loss) {
        return db.execute().dml(BILLED, minutes, costMicros, mos, jitterMs, loss, callId) > 0;
    }

    public long callsSince(String sessionId, Instant since) {
        return db.execute().get(CALLS_SINCE, sessionId, Db.utc(since)).map(r -> ((Number) Db.columns(r).get("n")).longValue())
                .orElse(0L);
    }

    /**
     * When a session that placed {@code placed} calls since {@code since} may place another under
     * {@code limit} calls a window: when enough of the window's oldest calls age out of it.
     */
    public Optional<Instant> windowOpensAt(String sessionId, Instant since, long placed, int limit, java.time.Duration window) {
        return db.execute().get(WINDOW_CALLS, sessionId, Db.utc(since), Math.max(0, placed - limit))
                .map(r -> Db.instant(Db.columns(r).get("created_at")).plus(window));
    }

    /**
     * A session's calls, newest first. {@code statuses} empty means all; dates bound created_at.
     * The filters are bound parameters; only the number of status placeholders varies.
     */
    public Page history(String sessionId, Instant start, Instant end, List<String> statuses, int limit, int offset) {
        StringBuilder where = new StringBuilder(HISTORY_FROM);
        List<Object> params = new ArrayList<>(List.of(sessionId));
        if (start != null) {
            where.append(" AND c.created_at >= ?");
            params.add(Db.utc(start));
        }
        if (end != null) {
            where.append(" AND c.created_at <= ?");
            params.add(Db.utc(end));
        }
        if (!statuses.isEmpty()) {
            where.append(" AND c.status IN (").append("?,".repeat(statuses.size() - 1)).append("?)");
            params.addAll(statuses);
        }
        long total = db.execute().get("SELECT COUNT(*) AS n" + where, params.toArray())
                .map(r -> ((Number) Db.columns(r).get("n")).longValue()).orElse(0L);
        List<Object> paged = new ArrayList<>(params);
        paged.add(limit);
        paged.add(offset);
        List<Map<String, Object>> rows = Db.list(db.execute().query("SELECT a.*, c.status, c.to_number, c.from_number,"
                + " c.answered_at, c.ended_at, c.recording_url, c.created_at AS call_created_at" + where
                + " ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?", paged.toArray()), Db::columns);
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
