package dev.patchbay.agents.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.account.SessionsApi;
import dev.patchbay.agents.wallet.Money;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Seed 003 analytics: call metrics over a date range, optionally as a day/week/month series, and
 * month-to-date spending against the session's budget. Periods are UTC; weeks start on Monday (ISO).
 */
public final class AnalyticsApi {

    private static final int SERIES_MAX = 1000;

    /** A range {@code [start, end)} and the end as shown: the last second of a whole day, else as given. */
    private record Range(Instant start, Instant end, Instant shownEnd) { }

    private final SessionsApi sessions;
    private final AnalyticsStore store;
    private final Clock clock;

    public AnalyticsApi(SessionsApi sessions, AnalyticsStore store, Clock clock) {
        this.sessions = sessions;
        this.store = store;
        this.clock = clock;
    }

    public void routing(HttpRules rules) {
        rules.get(AgentAuth.PREFIX + "/analytics/call-metrics", this::callMetrics)
                .get(AgentAuth.PREFIX + "/analytics/spending", this::spending);
    }

    private void callMetrics(ServerRequest req, ServerResponse res) {
        AgentSession s = sessions.session(req, req.query().first("session_id").orElse(null));
        List<FieldError> errors = new ArrayList<>();
        Range r = range(req, errors);
        Optional<String> groupBy = req.query().first("group_by").asOptional().map(g -> g.strip().toLowerCase(Locale.ROOT));
        if (groupBy.isPresent() && !List.of("day", "week", "month").contains(groupBy.get())) {
            errors.add(new FieldError("group_by", "must be day, week or month"));
        }
        if (errors.isEmpty() && groupBy.isPresent()
                && periods(r.start(), r.end(), groupBy.get()).size() > SERIES_MAX) {
            errors.add(new FieldError("group_by", "gives more than " + SERIES_MAX + " periods over this range; use a"
                    + " coarser one or a shorter range"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the analytics query has invalid parameters", errors);
        }
        AnalyticsStore.Totals t = store.totals(s.id(), r.start(), r.end());
        List<AnalyticsStore.Call> calls = store.calls(s.id(), r.start(), r.end());
        long seconds = calls.stream().mapToLong(AnalyticsStore.Call::seconds).sum();
        ObjectNode out = ApiJson.object();
        out.putObject("period").put("start", r.start().toString()).put("end", r.shownEnd().toString());
        ObjectNode m = out.putObject("metrics").put("total_calls", t.calls()).put("total_duration", seconds);
        m.put("total_cost", money(t.costMicros())).put("currency", s.currency());
        m.put("average_duration", t.calls() == 0 ? null : ratio(seconds, t.calls()));
        m.put("success_rate", t.calls() == 0 ? null : ratio(t.completed(), t.calls()));
        m.put("call_quality_avg", t.mos() == null ? null : BigDecimal.valueOf(t.mos()).setScale(2, RoundingMode.HALF_UP));
        ObjectNode breakdown = out.putObject("breakdown");
        breakdown.set("by_country", counts(store.byCountry(s.id(), r.start(), r.end())));
        breakdown.set("by_type", counts(store.byType(s.id(), r.start(), r.end())));
        // Statuses read as the seed writes them: no_answer, in_progress.
        ObjectNode byStatus = breakdown.putObject("by_status");
        store.byStatus(s.id(), r.start(), r.end()).forEach((k, n) -> byStatus.put(k.replace('-', '_'), n));
        if (groupBy.isPresent()) {
            out.put("group_by", groupBy.get());
            out.set("series", series(calls, periods(r.start(), r.end(), groupBy.get()), groupBy.get()));
        }
        ApiJson.send(res, Status.OK_200, out);
    }

    /**
     * Month to date. The month-end estimate extrapolates linearly: the spend so far per elapsed day
     * (today counted whole) times the days of the month.
     */
    private void spending(ServerRequest req, ServerResponse res) {
        AgentSession s = sessions.session(req, req.query().first("session_id").orElse(null));
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Instant start = today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        AnalyticsStore.Spending sp = store.spending(s.id(), start, end);
        long spent = sp.spentMicros();
        long projected = BigDecimal.valueOf(spent).multiply(BigDecimal.valueOf(today.lengthOfMonth()))
                .divide(BigDecimal.valueOf(today.getDayOfMonth()), 0, RoundingMode.HALF_UP).longValueExact();
        Long budget = s.budgetMicros();
        ObjectNode out = ApiJson.object();
        ObjectNode period = out.putObject("current_period").put("start", start.toString())
                .put("end", end.minusSeconds(1).toString()).put("currency", s.currency());
        period.put("total_spent", money(spent));
        period.put("budget_limit", budget == null ? null : money(budget));
        period.put("budget_remaining", budget == null ? null : money(Math.max(0, budget - spent)));
        period.put("utilization_percentage", budget == null ? null : BigDecimal.valueOf(spent * 100).divide(
                BigDecimal.valueOf(budget), 2, RoundingMode.HALF_UP));
        ObjectNode predictions = out.putObject("predictions").put("estimated_month_end_spend", money(projected));
        predictions.put("over_budget_risk", budget == null ? null : risk(spent, projected, budget));
        // Enough to fund the rest of the month's projected spend beyond what the wallet holds,
        // rounded up to whole currency units.
        long shortfall = Math.max(0, projected - spent - Math.max(0, sp.balanceMicros()));
        predictions.put("recommended_top_up", BigDecimal.valueOf(shortfall).divide(BigDecimal.valueOf(Money.MICROS), 0,
                RoundingMode.CEILING));
        ApiJson.send(res, Status.OK_200, out);
    }

    /** High once the budget is spent or the projection reaches it; medium from 80 % of it. */
    static String risk(long spent, long projected, long budget) {
        if (spent >= budget || projected >= budget) {
            return "high";
        }
        return projected * 5 >= budget * 4 ? "medium" : "low";
    }

    private Range range(ServerRequest req, List<FieldError> errors) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Instant defaultStart = today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant defaultEnd = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant start = bound(req, "start_date", false, errors).orElse(defaultStart);
        Optional<Instant> givenEnd = bound(req, "end_date", true, errors);
        Instant end = givenEnd.orElse(defaultEnd);
        if (errors.isEmpty() && !start.isBefore(end)) {
            errors.add(new FieldError("end_date", "must be after start_date"));
        }
        // A date as the end means its whole day, shown as its last second like the seed's period.
        boolean wholeDay = req.query().first("end_date").map(v -> v.isBlank() || v.strip().length() == 10).orElse(true);
        return new Range(start, end, wholeDay ? end.minusSeconds(1) : end);
    }

    /** A date ({@code 2026-02-05}: its start, or for an end the whole day) or an ISO 8601 instant. */
    private static Optional<Instant> bound(ServerRequest req, String name, boolean end, List<FieldError> errors) {
        Optional<String> v = req.query().first(name).asOptional().map(String::strip);
        if (v.isEmpty() || v.get().isEmpty()) {
            return Optional.empty();
        }
        try {
            if (v.get().length() == 10) {
                LocalDate d = LocalDate.parse(v.get());
                return Optional.of((end ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            return Optional.of(OffsetDateTime.parse(v.get()).toInstant());
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be an ISO 8601 date (2026-02-05) or time (2026-02-05T12:00:00Z)"));
            return Optional.empty();
        }
    }

    /** The starts of the periods that overlap {@code [start, end)}. */
    private static List<Instant> periods(Instant start, Instant end, String unit) {
        List<Instant> out = new ArrayList<>();
        for (Instant p = truncate(start, unit); p.isBefore(end) && out.size() <= SERIES_MAX; p = next(p, unit)) {
            out.add(p);
        }
        return out;
    }

    private static Instant truncate(Instant t, String unit) {
        LocalDate d = LocalDate.ofInstant(t, ZoneOffset.UTC);
        LocalDate p = switch (unit) {
            case "week" -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case "month" -> d.withDayOfMonth(1);
            default -> d;
        };
        return p.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static Instant next(Instant p, String unit) {
        LocalDate d = LocalDate.ofInstant(p, ZoneOffset.UTC);
        return (switch (unit) {
            case "week" -> d.plusWeeks(1);
            case "month" -> d.plusMonths(1);
            default -> d.plusDays(1);
        }).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Every period of the range, empty ones too, so a chart needs no gap filling. */
    private static ArrayNode series(List<AnalyticsStore.Call> calls, List<Instant> periods, String unit) {
        Map<Instant, List<AnalyticsStore.Call>> by = new TreeMap<>();
        periods.forEach(p -> by.put(p, new ArrayList<>()));
        calls.forEach(c -> by.computeIfAbsent(truncate(c.placedAt(), unit), k -> new ArrayList<>()).add(c));
        ArrayNode out = ApiJson.object().arrayNode();
        by.forEach((p, list) -> {
            long n = list.size();
            long completed = list.stream().filter(AnalyticsStore.Call::completed).count();
            ObjectNode o = out.addObject().put("period_start", p.toString()).put("total_calls", n)
                    .put("total_duration", list.stream().mapToLong(AnalyticsStore.Call::seconds).sum());
            o.put("total_cost", money(list.stream().mapToLong(AnalyticsStore.Call::costMicros).sum()));
            o.put("success_rate", n == 0 ? null : ratio(completed, n));
        });
        return out;
    }

    private static ObjectNode counts(Map<String, Long> counts) {
        ObjectNode o = ApiJson.object();
        counts.forEach(o::put);
        return o;
    }

    /** An amount as plain decimals: 100, not 1E+2. */
    private static BigDecimal money(long micros) {
        BigDecimal v = Money.value(micros);
        return v.scale() < 0 ? v.setScale(0) : v;
    }

    private static BigDecimal ratio(long a, long b) {
        return BigDecimal.valueOf(a).divide(BigDecimal.valueOf(b), 2, RoundingMode.HALF_UP);
    }
}
