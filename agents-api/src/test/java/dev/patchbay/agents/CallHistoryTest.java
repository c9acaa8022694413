package dev.patchbay.agents;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /calls/history} (seed 003 §4) on PostgreSQL: the named statement's status, date and page filters. */
class CallHistoryTest {

    private static final Instant T = Instant.parse("2026-02-05T09:00:00Z");
    private static AgentsRig rig;
    private static String session;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
        session = rig.session("agent-h").get("session_id").asText();
        String other = rig.session("agent-h").get("session_id").asText();
        CallRows rows = new CallRows(rig);
        rows.add(session, "+14155550001", "completed", T, T, T.plusSeconds(60), "US", "mobile", 125_000L, 4.1);
        rows.add(session, "+14155550002", "busy", T.plusSeconds(3600), null, T.plusSeconds(3601), "US", "mobile", 0L, null);
        rows.add(session, "+14155550003", "ringing", T.plusSeconds(7200), null, null, "US", "mobile", null, null);
        String recorded = rows.add(session, "+14155550004", "completed", T.plusSeconds(86_400), T.plusSeconds(86_400),
                T.plusSeconds(86_460), "US", "mobile", 125_000L, 4.0);
        rig.sql("UPDATE calls SET recording_url = '/var/rec/" + recorded + ".wav' WHERE id = '" + recorded + "'");
        rows.add(other, "+14155550005", "completed", T, T, T.plusSeconds(60), "US", "mobile", 125_000L, 4.1);
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static JsonNode history(String query) throws Exception {
        AgentsRig.Answer a = rig.call("GET", "/api/v1/calls/history?session_id=" + session + query, KEY_A, "agent-h", null);
        assertEquals(200, a.status(), a.body().toString());
        return a.body();
    }

    private static List<String> numbers(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("calls").forEach(c -> out.add(c.get("to_number").asText()));
        return out;
    }

    @Test
    void filtersByStatusAndDayAndPages() throws Exception {
        assertEquals(List.of("+14155550004", "+14155550003", "+14155550002", "+14155550001"), numbers(history("")),
                "the session's own calls, newest first");
        assertEquals(List.of("+14155550004", "+14155550001"), numbers(history("&status=completed")));
        assertEquals(List.of("+14155550002"), numbers(history("&status=failed")));
        assertEquals(List.of("+14155550003"), numbers(history("&status=in-progress")));
        assertEquals(List.of("+14155550003", "+14155550002", "+14155550001"),
                numbers(history("&start_date=2026-02-05&end_date=2026-02-05")), "end_date as a day takes the whole day");
        JsonNode page = history("&limit=1&offset=1");
        assertEquals(List.of("+14155550003"), numbers(page));
        assertEquals(4, page.get("pagination").get("total").asInt());
        assertTrue(page.get("pagination").get("has_more").asBoolean());
        assertEquals(1, history("&status=completed&start_date=2026-02-06T00:00:00Z").get("pagination").get("total").asInt());
    }

    @Test
    void aRecordedCallsUrlIsSignedNeverTheMediaHostsPath() throws Exception {
        JsonNode calls = history("").get("calls");
        String url = calls.get(0).get("recording_url").asText();
        String id = calls.get(0).get("call_id").asText();
        assertTrue(url.startsWith("http://127.0.0.1/recordings/" + id + ".wav?workspace=ws_a&expires="), url);
        assertTrue(url.contains("&signature="), url);
        assertTrue(calls.get(1).get("recording_url").isNull(), "not recorded: null");
    }
}
