package dev.patchbay.control.agents.analytics;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/**
 * The sums behind analytics, over a session's agent calls in {@code [from, to)} by when the agent
 * placed them. Counts, costs and quality are aggregated in SQL; talk time is summed in Java from
 * answered/ended pairs because PostgreSQL and H2 subtract timestamps differently.
 */
public final class AnalyticsStore {

    private static final String RANGE = """
              FROM agent_calls a JOIN calls c ON c.id = a.call_id
             WHERE a.session_id = ? AND a.created_at >= ? AND a.created_at < ?""";
    private static final String TOTALS = """
            SELECT COUNT(*) AS total_calls,
                   COALESCE(SUM(CASE WHEN c.status = 'completed' THEN 1 ELSE 0 END), 0) AS completed,
                   COALESCE(SUM(a.cost_micros), 0) AS cost_micros,
                   AVG(a.mos) AS mos
            """ + RANGE;
    private static final String BY_COUNTRY = "SELECT a.country AS k, COUNT(*) AS n\n" + RANGE + " GROUP BY a.country";
    private static final String BY_TYPE = "SELECT a.number_type AS k, COUNT(*) AS n\n" + RANGE + " GROUP BY a.number_type";
    private static final String BY_STATUS = "SELECT c.status AS k, COUNT(*) AS n\n" + RANGE + " GROUP BY c.status";
    private static final String CALLS = """
            SELECT a.created_at, c.status, a.cost_micros, c.answered_at, c.ended_at
            """ + RANGE;
    // Spent is what settlements moved to the spent account (V16); the balance is the available account.
    private static final String SPENDING = """
            SELECT COALESCE((SELECT SUM(e.amount_micros) FROM wallet_entries e WHERE e.session_id = s.id
                                AND e.account = 'spent' AND e.created_at >= ? AND e.created_at < ?), 0) AS spent,
                   COALESCE((SELECT a.balance_micros FROM wallet_accounts a WHERE a.session_id = s.id
                                AND a.account = 'available'), 0) AS balance
              FROM agent_sessions s WHERE s.id = ?""";

    /** Whole-range figures; {@code mos} is null when no call has a quality estimate. */
    public record Totals(long calls, long completed, long costMicros, Double mos) { }

    /** One call, for talk time and the per-period series; seconds are 0 for an unanswered or unfinished call. */
    public record Call(Instant placedAt, boolean completed, long costMicros, long seconds) { }

    /** Debits in a window and the wallet balance now. */
    public record Spending(long spentMicros, long balanceMicros) { }

    private final DbClient db;

    public AnalyticsStore(DbClient db) {
        this.db = db;
    }

    public Totals totals(String sessionId, Instant from, Instant to) {
        Map<String, Object> c = db.execute().get(TOTALS, sessionId, Db.utc(from), Db.utc(to)).map(Db::columns).orElseThrow();
        return new Totals(number(c.get("total_calls")), number(c.get("completed")), number(c.get("cost_micros")),
                c.get("mos") == null ? null : ((Number) c.get("mos")).doubleValue());
    }

    /** Calls by country, number type and status, most frequent first; an unknown key is "unknown". */
    public Map<String, Long> byCountry(String sessionId, Instant from, Instant to) {
        return counts(BY_COUNTRY, sessionId, from, to);
    }

    public Map<String, Long> byType(String sessionId, Instant from, Instant to) {
        return counts(BY_TYPE, sessionId, from, to);
    }

    public Map<String, Long> byStatus(String sessionId, Instant from, Instant to) {
        return counts(BY_STATUS, sessionId, from, to);
    }

    public List<Call> calls(String sessionId, Instant from, Instant to) {
        return Db.list(db.execute().query(CALLS, sessionId, Db.utc(from), Db.utc(to)), row -> {
            Map<String, Object> c = Db.columns(row);
            Instant answered = Db.instant(c.get("answered_at"));
            Instant ended = Db.instant(c.get("ended_at"));
            long seconds = answered == null || ended == null ? 0 : Math.max(0, ended.getEpochSecond() - answered.getEpochSecond());
            return new Call(Db.instant(c.get("created_at")), "completed".equals(c.get("status")),
                    c.get("cost_micros") == null ? 0 : number(c.get("cost_micros")), seconds);
        });
    }

    public Spending spending(String sessionId, Instant from, Instant to) {
        Map<String, Object> c = db.execute().get(SPENDING, Db.utc(from), Db.utc(to), sessionId).map(Db::columns).orElseThrow();
        return new Spending(number(c.get("spent")), number(c.get("balance")));
    }

    private Map<String, Long> counts(String sql, String sessionId, Instant from, Instant to) {
        Map<String, Long> merged = new java.util.TreeMap<>();
        Db.list(db.execute().query(sql, sessionId, Db.utc(from), Db.utc(to)), Db::columns)
                .forEach(c -> merged.merge(c.get("k") == null ? "unknown" : (String) c.get("k"), number(c.get("n")), Long::sum));
        Map<String, Long> out = new LinkedHashMap<>();
        merged.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static long number(Object o) {
        return ((Number) o).longValue();
    }
}
