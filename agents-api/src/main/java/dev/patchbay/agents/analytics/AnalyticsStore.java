package dev.patchbay.agents.analytics;

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
        Map<String, Object> c = db.execute().namedGet("analytics-store-totals", sessionId, Db.utc(from), Db.utc(to)).map(Db::columns).orElseThrow();
        return new Totals(number(c.get("total_calls")), number(c.get("completed")), number(c.get("cost_micros")),
                c.get("mos") == null ? null : ((Number) c.get("mos")).doubleValue());
    }

    /** Calls by country, number type and status, most frequent first; an unknown key is "unknown". */
    public Map<String, Long> byCountry(String sessionId, Instant from, Instant to) {
        return counts("analytics-store-by-country", sessionId, from, to);
    }

    public Map<String, Long> byType(String sessionId, Instant from, Instant to) {
        return counts("analytics-store-by-type", sessionId, from, to);
    }

    public Map<String, Long> byStatus(String sessionId, Instant from, Instant to) {
        return counts("analytics-store-by-status", sessionId, from, to);
    }

    public List<Call> calls(String sessionId, Instant from, Instant to) {
        return Db.list(db.execute().namedQuery("analytics-store-calls", sessionId, Db.utc(from), Db.utc(to)), row -> {
            Map<String, Object> c = Db.columns(row);
            Instant answered = Db.instant(c.get("answered_at"));
            Instant ended = Db.instant(c.get("ended_at"));
            long seconds = answered == null || ended == null ? 0 : Math.max(0, ended.getEpochSecond() - answered.getEpochSecond());
            return new Call(Db.instant(c.get("created_at")), "completed".equals(c.get("status")),
                    c.get("cost_micros") == null ? 0 : number(c.get("cost_micros")), seconds);
        });
    }

    public Spending spending(String sessionId, Instant from, Instant to) {
        Map<String, Object> c = db.execute().namedGet("analytics-store-spending", Db.utc(from), Db.utc(to), sessionId).map(Db::columns).orElseThrow();
        return new Spending(number(c.get("spent")), number(c.get("balance")));
    }

    private Map<String, Long> counts(String statement, String sessionId, Instant from, Instant to) {
        Map<String, Long> merged = new java.util.TreeMap<>();
        Db.list(db.execute().namedQuery(statement, sessionId, Db.utc(from), Db.utc(to)), Db::columns)
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
