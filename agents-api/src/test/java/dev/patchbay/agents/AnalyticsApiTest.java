package dev.patchbay.agents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static dev.patchbay.agents.AgentsRig.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Seed 003 analytics over real HTTP and PostgreSQL, from calls and ledger rows written directly. The clock reads 2026-02-05T12:00Z. */
class AnalyticsApiTest {

    private static AgentsRig rig;
    private static CallRows calls;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
        calls = new CallRows(rig);
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static Instant t(String s) {
        return Instant.parse(s);
    }

    private static String seeded(String agent) throws Exception {
        String sid = rig.session(agent).get("session_id").asText();
        calls.add(sid, "+14155551234", "completed", t("2026-02-01T10:00:00Z"), t("2026-02-01T10:00:05Z"),
                t("2026-02-01T10:02:05Z"), "US", "mobile", 250_000L, 4.5);
        calls.add(sid, "+12015550123", "completed", t("2026-02-03T09:00:00Z"), t("2026-02-03T09:00:03Z"),
                t("2026-02-03T09:01:03Z"), "US", "landline", 100_000L, 4.0);
        calls.add(sid, "+919876543210", "failed", t("2026-02-03T20:00:00Z"), null, t("2026-02-03T20:00:09Z"), "IN",
                "mobile", null, null);
        calls.add(sid, "+447400123456", "no-answer", t("2026-02-09T10:00:00Z"), null, null, "GB", "mobile", 0L, null);
        calls.add(sid, "+14155551234", "completed", t("2026-01-28T10:00:00Z"), t("2026-01-28T10:00:01Z"),
                t("2026-01-28T10:10:01Z"), "US", "mobile", 1_250_000L, 3.0);
        return sid;
    }

    @Test
    void callMetricsSumTheRangeAndBreakItDown() throws Exception {
        String sid = seeded("agent-m1");
        AgentsRig.Answer a = rig.call("GET", "/api/v1/analytics/call-metrics?session_id=" + sid
                + "&start_date=2026-02-01&end_date=2026-02-05", KEY_A, "agent-m1", null);
        assertEquals(200, a.status(), a.body().toString());
        assertEquals(AgentsRig.JSON.readTree("""
                {"period":{"start":"2026-02-01T00:00:00Z","end":"2026-02-05T23:59:59Z"},
                 "metrics":{"total_calls":3,"total_duration":180,"total_cost":0.35,"currency":"USD",
                            "average_duration":60.00,"success_rate":0.67,"call_quality_avg":4.25},
                 "breakdown":{"by_country":{"US":2,"IN":1},"by_type":{"mobile":2,"landline":1},
                              "by_status":{"completed":2,"failed":1}}}"""), a.body());
        // The default range is the month to date, through the end of today.
        JsonNode d = rig.call("GET", "/api/v1/analytics/call-metrics?session_id=" + sid, KEY_A, "agent-m1", null).body();
        assertEquals(a.body().get("metrics"), d.get("metrics"));
        JsonNode all = rig.call("GET", "/api/v1/analytics/call-metrics?session_id=" + sid
                + "&start_date=2026-01-01T00:00:00Z&end_date=2026-03-01T00:00:00Z", KEY_A, "agent-m1", null).body();
        assertEquals(5, all.get("metrics").get("total_calls").asInt());
        assertEquals(780, all.get("metrics").get("total_duration").asInt());
        assertEquals(1.6, all.get("metrics").get("total_cost").asDouble());
        assertEquals(0.6, all.get("metrics").get("success_rate").asDouble());
        assertEquals(3.83, all.get("metrics").get("call_quality_avg").asDouble());
        assertEquals("{\"completed\":3,\"failed\":1,\"no_answer\":1}", all.get("breakdown").get("by_status").toString());
        assertEquals("2026-03-01T00:00:00Z", all.get("period").get("end").asText(), "a given time is shown as given");
    }

    @Test
    void seriesByDayWeekAndMonthCoverEveryPeriod() throws Exception {
        String sid = seeded("agent-m2");
        String base = "/api/v1/analytics/call-metrics?session_id=" + sid + "&start_date=2026-02-01&end_date=2026-02-05&group_by=";
        JsonNode day = rig.call("GET", base + "day", KEY_A, "agent-m2", null).body();
        assertEquals("day", day.get("group_by").asText());
        assertEquals(List.of("2026-02-01T00:00:00Z 1 120 0.25 1.0", "2026-02-02T00:00:00Z 0 0 0 null",
                "2026-02-03T00:00:00Z 2 60 0.1 0.5", "2026-02-04T00:00:00Z 0 0 0 null", "2026-02-05T00:00:00Z 0 0 0 null"),
                rows(day));
        // 2026-02-01 is a Sunday: its ISO week began on Monday 26 January.
        assertEquals(List.of("2026-01-26T00:00:00Z 1 120 0.25 1.0", "2026-02-02T00:00:00Z 2 60 0.1 0.5"),
                rows(rig.call("GET", base + "week", KEY_A, "agent-m2", null).body()));
        assertEquals(List.of("2026-02-01T00:00:00Z 3 180 0.35 0.67"), rows(rig.call("GET", base + "MONTH", KEY_A, "agent-m2",
                null).body()));
    }

    @Test
    void badParametersAre422NamingThemAndOtherWorkspacesSee404() throws Exception {
        String sid = rig.session("agent-m3").get("session_id").asText();
        String base = "/api/v1/analytics/call-metrics?session_id=" + sid;
        assertEquals("group_by", field(rig.call("GET", base + "&group_by=year", KEY_A, "agent-m3", null)));
        assertEquals("start_date", field(rig.call("GET", base + "&start_date=yesterday", KEY_A, "agent-m3", null)));
        assertEquals("end_date", field(rig.call("GET", base + "&start_date=2026-02-05&end_date=2026-02-01", KEY_A,
                "agent-m3", null)));
        assertEquals("group_by", field(rig.call("GET", base + "&start_date=2000-01-01&end_date=2026-01-01&group_by=day",
                KEY_A, "agent-m3", null)), "over 1000 periods");
        assertEquals("session_id", field(rig.call("GET", "/api/v1/analytics/call-metrics", KEY_A, "agent-m3", null)));
        assertEquals(404, rig.call("GET", base, KEY_B, "agent-m3", null).status());
        assertEquals(404, rig.call("GET", "/api/v1/analytics/spending?session_id=" + sid, KEY_B, "agent-m3", null).status());
        assertEquals(403, rig.call("GET", base, KEY_A, "agent-other", null).status());
        JsonNode empty = rig.call("GET", base, KEY_A, "agent-m3", null).body();
        assertEquals(AgentsRig.JSON.readTree("""
                {"total_calls":0,"total_duration":0,"total_cost":0,"currency":"USD","average_duration":null,
                 "success_rate":null,"call_quality_avg":null}"""), empty.get("metrics"));
    }

    @Test
    void spendingProjectsTheMonthLinearlyAgainstTheBudget() throws Exception {
        String sid = rig.call("POST", "/api/v1/sessions/create", KEY_A, "agent-sp", "{\"session_type\":\"guest\","
                + "\"user_consent\":{\"calling_authorized\":true,\"max_spend_limit\":100}}").body().get("session_id").asText();
        ledger(sid, "credit", 50_000_000, "2026-02-01T08:00:00Z");
        ledger(sid, "debit", -3_000_000, "2026-01-31T23:59:59Z");
        ledger(sid, "debit", -10_000_000, "2026-02-02T10:00:00Z");
        ledger(sid, "debit", -5_250_000, "2026-02-04T10:00:00Z");
        AgentsRig.Answer a = rig.call("GET", "/api/v1/analytics/spending?session_id=" + sid, KEY_A, "agent-sp", null);
        assertEquals(200, a.status(), a.body().toString());
        // 15.25 in 5 days of February's 28 projects 85.40: 85 % of the budget is medium risk; the wallet holds
        // 31.75, so 70.15 still to spend needs 38.40 more, rounded up to 39.
        assertEquals(AgentsRig.JSON.readTree("""
                {"current_period":{"start":"2026-02-01T00:00:00Z","end":"2026-02-05T23:59:59Z","currency":"USD",
                   "total_spent":15.25,"budget_limit":100,"budget_remaining":84.75,"utilization_percentage":15.25},
                 "predictions":{"estimated_month_end_spend":85.4,"over_budget_risk":"medium","recommended_top_up":39}}"""),
                a.body());
        ledger(sid, "debit", -20_000_000, "2026-02-05T11:00:00Z");
        JsonNode high = rig.call("GET", "/api/v1/analytics/spending?session_id=" + sid, KEY_A, "agent-sp", null).body();
        assertEquals(35.25, high.get("current_period").get("total_spent").asDouble());
        assertEquals(197.4, high.get("predictions").get("estimated_month_end_spend").asDouble());
        assertEquals("high", high.get("predictions").get("over_budget_risk").asText());
        assertEquals(151, high.get("predictions").get("recommended_top_up").asInt(), "162.15 to spend, 11.75 held");

        String none = rig.session("agent-sp").get("session_id").asText();
        JsonNode n = rig.call("GET", "/api/v1/analytics/spending?session_id=" + none, KEY_A, "agent-sp", null).body();
        assertEquals(AgentsRig.JSON.readTree("""
                {"current_period":{"start":"2026-02-01T00:00:00Z","end":"2026-02-05T23:59:59Z","currency":"USD",
                   "total_spent":0,"budget_limit":null,"budget_remaining":null,"utilization_percentage":null},
                 "predictions":{"estimated_month_end_spend":0,"over_budget_risk":null,"recommended_top_up":0}}"""), n);
    }

    /**
     * A credit (funding to available) or a settled call's spend (available to spent) at {@code at},
     * as balanced V16 entries with the accounts moved, so the spending report reads real rows.
     */
    private static void ledger(String sid, String kind, long micros, String at) throws Exception {
        if (rig.count("SELECT COUNT(*) FROM wallet_accounts WHERE session_id = '" + sid + "'") == 0) {
            for (String account : new String[] {"funding", "available", "reserved", "spent"}) {
                rig.sql("INSERT INTO wallet_accounts (session_id, account, balance_micros) VALUES ('" + sid + "', '"
                        + account + "', 0)");
            }
        }
        String txn = "txn_" + sid.substring(5, 13) + "_" + at.replaceAll("[^0-9]", "");
        String[][] moves = kind.equals("credit")
                ? new String[][] {{"funding", Long.toString(-micros)}, {"available", Long.toString(micros)}}
                : new String[][] {{"available", Long.toString(micros)}, {"spent", Long.toString(-micros)}};
        for (String[] m : moves) {
            rig.sql("INSERT INTO wallet_entries (txn_id, session_id, account, amount_micros, created_at) VALUES ('" + txn
                    + "', '" + sid + "', '" + m[0] + "', " + m[1] + ", TIMESTAMP WITH TIME ZONE '" + at + "')");
            rig.sql("UPDATE wallet_accounts SET balance_micros = balance_micros + " + m[1] + " WHERE session_id = '" + sid
                    + "' AND account = '" + m[0] + "'");
        }
    }

    private static List<String> rows(JsonNode body) {
        List<String> out = new ArrayList<>();
        body.get("series").forEach(p -> out.add(p.get("period_start").asText() + " " + p.get("total_calls").asInt() + " "
                + p.get("total_duration").asInt() + " " + p.get("total_cost").asText() + " " + p.get("success_rate").asText()));
        return out;
    }

    private static String field(AgentsRig.Answer a) {
        assertEquals(422, a.status(), a.body().toString());
        return a.body().get("errors").get(0).get("field").asText();
    }
}
