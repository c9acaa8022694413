package dev.patchbay.agents.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
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

    // Deleting a session clears what it said, whom it called and what was sent about it (seed 003: "All data
    // cleared"): in this order, since the first ones find the session's calls through agent_calls. The ledger
    // stays, as money records must; a live call goes on, and the sweeper settles its reservation.
    private static final List<String> CLEAR = List.of("session-store-clear-transcript-segments",
            "session-store-clear-transcriptions", "session-store-clear-call-events", "session-store-clear-outbox",
            "session-store-queue-recordings", "session-store-clear-numbers", "session-store-clear-agent-calls", "session-store-clear-contacts",
            "session-store-clear-webhooks", "session-store-clear-dial-jobs");

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
        tx.namedInsert("session-store-insert", s.id(), s.workspaceId(), s.agentId(), s.type(), tokenSha256, s.privacyMode(), s.currency(),
                s.callsPerHour(), s.maxCallDuration(), s.budgetMicros(), s.agentContextJson(), Db.utc(s.createdAt()), Db.utc(s.expiresAt()));
    }

    public Optional<AgentSession> find(String id) {
        return db.execute().namedGet("session-store-by-id", id).map(SessionStore::session);
    }

    public Optional<AgentSession> byToken(String tokenSha256) {
        return db.execute().namedGet("session-store-by-token", tokenSha256).map(SessionStore::session);
    }

    public Usage usage(String sessionId) {
        long calls = db.execute().namedGet("session-store-stats", sessionId).map(r -> ((Number) Db.columns(r).get("calls")).longValue()).orElse(0L);
        long seconds = Db.list(db.execute().namedQuery("session-store-duration", sessionId), r -> {
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
            if (tx.namedDml("session-store-end", Db.utc(now()), id) == 0) {
                return false;
            }
            for (String statement : CLEAR) {
                tx.namedDml(statement, id);
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
