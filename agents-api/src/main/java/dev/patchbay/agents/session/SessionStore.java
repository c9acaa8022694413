package dev.patchbay.control.agents.session;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * Sessions of the agents' API. The SQL of the agents' stores sits beside the code that uses it:
 * each store is one feature of seed 003 and reads best whole.
 */
public final class SessionStore {

    private static final String INSERT = """
            INSERT INTO agent_sessions (id, workspace_id, agent_id, session_type, token_sha256, privacy_mode, currency,
                                        calls_per_hour, max_call_duration, budget_micros, agent_context, created_at,
                                        expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String BY_ID = "SELECT * FROM agent_sessions WHERE id = ?";
    private static final String BY_TOKEN = "SELECT * FROM agent_sessions WHERE token_sha256 = ?";
    private static final String END = "UPDATE agent_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL";
    private static final String STATS = """
            SELECT COUNT(*) AS calls FROM agent_calls WHERE session_id = ?""";
    private static final String DURATION = """
            SELECT c.answered_at, c.ended_at FROM agent_calls a JOIN calls c ON c.id = a.call_id
             WHERE a.session_id = ? AND c.answered_at IS NOT NULL""";
    // Deleting a session clears what it said and whom it called; the ledger stays, as money records must.
    private static final String[] CLEAR = {
        "DELETE FROM transcript_segments WHERE call_id IN (SELECT call_id FROM agent_calls WHERE session_id = ?)",
        "DELETE FROM agent_transcriptions WHERE call_id IN (SELECT call_id FROM agent_calls WHERE session_id = ?)",
        "UPDATE calls SET from_number = NULL, to_number = NULL, to_raw = NULL WHERE id IN"
                + " (SELECT call_id FROM agent_calls WHERE session_id = ?)",
        "DELETE FROM agent_calls WHERE session_id = ?",
        "DELETE FROM agent_contacts WHERE session_id = ?",
        "DELETE FROM agent_webhooks WHERE session_id = ?",
        "UPDATE dial_jobs SET state = 'canceled' WHERE session_id = ? AND state = 'pending'",
    };

    /** How much a session has used. */
    public record Usage(long calls, long durationSeconds) { }

    private final DbClient db;
    private final Clock clock;

    public SessionStore(DbClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    public void insert(DbExecute tx, AgentSession s, String tokenSha256) {
        tx.insert(INSERT, s.id(), s.workspaceId(), s.agentId(), s.type(), tokenSha256, s.privacyMode(), s.currency(),
                s.callsPerHour(), s.maxCallDuration(), s.budgetMicros(), s.agentContextJson(), Db.utc(s.createdAt()), Db.utc(s.expiresAt()));
    }

    public Optional<AgentSession> find(String id) {
        return db.execute().get(BY_ID, id).map(SessionStore::session);
    }

    public Optional<AgentSession> byToken(String tokenSha256) {
        return db.execute().get(BY_TOKEN, tokenSha256).map(SessionStore::session);
    }

    public Usage usage(String sessionId) {
        long calls = db.execute().get(STATS, sessionId).map(r -> ((Number) Db.columns(r).get("calls")).longValue()).orElse(0L);
        long seconds = Db.list(db.execute().query(DURATION, sessionId), r -> {
            Map<String, Object> c = Db.columns(r);
            Instant from = Db.instant(c.get("answered_at"));
            Instant to = c.get("ended_at") == null ? now() : Db.instant(c.get("ended_at"));
            return Math.max(0, java.time.Duration.between(from, to).toSeconds());
        }).stream().mapToLong(Long::longValue).sum();
        return new Usage(calls, seconds);
    }

    /** Ends the session and clears its history in one transaction; false if it had ended already. */
    public boolean endAndClear(String id) {
        return Db.inTransaction(db, tx -> {
            if (tx.dml(END, Db.utc(now()), id) == 0) {
                return false;
            }
            for (String sql : CLEAR) {
                tx.dml(sql, id);
            }
            return true;
        });
    }

    static AgentSession session(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new AgentSession((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("agent_id"),
                (String) c.get("session_type"), Boolean.TRUE.equals(c.get("privacy_mode")), (String) c.get("currency"),
                ((Number) c.get("calls_per_hour")).intValue(), ((Number) c.get("max_call_duration")).intValue(),
                c.get("budget_micros") == null ? null : ((Number) c.get("budget_micros")).longValue(), (String) c.get("agent_context"), Db.instant(c.get("created_at")), Db.instant(c.get("expires_at")),
                Db.instant(c.get("ended_at")));
    }
}
