package dev.patchbay.admin.app;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.Calls;
import dev.patchbay.admin.testing.TestApi;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's read endpoints: the call log, live calls, one call, the media nodes and /v1/me. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallApiTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private TestApi api;
    private String wsA;
    private String wsB;
    private ApiClient asA;
    private final List<String> aCalls = new ArrayList<>();
    private String liveB;

    @BeforeAll
    void start() {
        api = TestApi.start();
        wsA = api.client().post("/v1/workspaces", "{\"name\":\"A\"}").json().path("id").asText();
        wsB = api.client().post("/v1/workspaces", "{\"name\":\"B\"}").json().path("id").asText();
        for (int i = 0; i < 5; i++) {
            aCalls.add(Calls.insert(api.db(), wsA, "bot_a", "ended", "+4420794600" + i, "+15550100", T0.plusSeconds(i)));
        }
        aCalls.add(Calls.insert(api.db(), wsA, "bot_a", "live", "+442079460099", "+15550100", T0.plusSeconds(10)));
        liveB = Calls.insert(api.db(), wsB, "bot_b", "live", "+33142685300", "+15550200", T0.plusSeconds(11));
        String key = api.client().post("/v1/workspaces/" + wsA + "/admin-keys", "{\"name\":\"ops\"}").json().path("key").asText();
        asA = api.client().withKey(key);
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @Test
    void theCallLogIsNewestFirstAndPagesByCursorWithoutGapsOrRepeats() {
        List<String> seen = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            Reply r = api.client().get("/v1/calls?workspace_id=" + wsA + "&limit=2&cursor=" + cursor);
            assertEquals(200, r.status(), r.toString());
            r.json().path("items").forEach(c -> seen.add(c.path("id").asText()));
            cursor = r.json().path("next_cursor").isNull() ? null : r.json().path("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertEquals(aCalls.reversed(), seen);
        assertEquals(3, pages);
    }

    @Test
    void searchesByNumberStatusAndTime() {
        Reply byNumber = api.client().get("/v1/calls?number=207946003");
        assertEquals(List.of(aCalls.get(3)), byNumber.json().path("items").findValuesAsText("id"));
        Reply live = api.client().get("/v1/calls?status=in-progress&workspace_id=" + wsA);
        assertEquals(List.of(aCalls.get(5)), live.json().path("items").findValuesAsText("id"));
        Reply window = api.client().get("/v1/calls?workspace_id=" + wsA + "&from=" + T0.plusSeconds(1) + "&to=" + T0.plusSeconds(3));
        assertEquals(List.of(aCalls.get(2), aCalls.get(1)), window.json().path("items").findValuesAsText("id"));
    }

    @Test
    void badSearchValuesAreProblemsNamingTheField() {
        Reply r = api.client().get("/v1/calls?status=lost&number=abc&from=yesterday");
        assertEquals(400, r.status(), r.toString());
        assertEquals("application/problem+json", r.contentType().orElseThrow());
        assertEquals(List.of("status", "number", "from"), r.errorFields());
        assertEquals(List.of("limit"), api.client().get("/v1/calls?limit=0").errorFields());
    }

    @Test
    void aWorkspaceKeySeesItsOwnCallsOnlyAndAnotherWorkspaceIsNotFound() {
        List<String> all = asA.get("/v1/calls?limit=200").json().path("items").findValuesAsText("workspace_id");
        assertEquals(6, all.size());
        assertTrue(all.stream().allMatch(wsA::equals), all.toString());
        Reply other = asA.get("/v1/calls?workspace_id=" + wsB);
        assertEquals(404, other.status(), other.toString());
        assertEquals(List.of("workspace_id"), other.errorFields());
        assertEquals(404, asA.get("/v1/live-calls?workspace_id=" + wsB).status());
        assertEquals(List.of(aCalls.get(5)), asA.get("/v1/live-calls").json().path("items").findValuesAsText("id"));
        Reply call = asA.get("/v1/workspaces/" + wsA + "/calls/" + liveB);
        assertEquals(404, call.status(), "B's call under A's workspace: " + call);
        assertEquals(List.of("call_id"), call.errorFields());
    }

    @Test
    void theOperatorSeesEveryLiveCall() {
        List<String> live = api.client().get("/v1/live-calls").json().path("items").findValuesAsText("id");
        assertTrue(live.containsAll(List.of(aCalls.get(5), liveB)), live.toString());
        assertEquals(2, live.size(), live.toString());
    }

    @Test
    void aCallShowsItsEventsInOrder() {
        Reply r = api.client().get("/v1/workspaces/" + wsA + "/calls/" + aCalls.get(0));
        assertEquals(200, r.status(), r.toString());
        assertEquals("completed", r.json().path("status").asText());
        assertEquals("+44207946000", r.json().path("from").asText().substring(0, 12));
        assertEquals(List.of("ringing", "answered"), r.json().path("events").findValuesAsText("type"));
        assertTrue(r.json().path("ended_at").asText().startsWith("2026-12-01T10:01:00"), r.toString());
        assertTrue(r.json().path("quality").isNull(), "a call without recorded quality shows none: " + r);
        assertTrue(r.json().path("sip").isObject(), r.toString());
        assertTrue(r.json().path("sip_headers").isNull(), "a call stored without headers shows none: " + r);
    }

    @Test
    void aCallShowsItsInviteHeadersInOrderAndTheQualityItsEndRecorded() {
        String wsD = api.client().post("/v1/workspaces", "{\"name\":\"D\"}").json().path("id").asText();
        String call = Calls.insert(api.db(), wsD, "bot_d", "ended", "+33142685300", "+442079460000", T0.minusSeconds(90));
        Calls.inviteHeaders(api.db(), call);
        Calls.quality(api.db(), call);
        Reply r = api.client().get("/v1/workspaces/" + wsD + "/calls/" + call);
        assertEquals(200, r.status(), r.toString());
        JsonNode headers = r.json().path("sip_headers");
        assertEquals(List.of("Via", "Max-Forwards", "From", "To", "Call-ID", "CSeq", "User-Agent", "P-Asserted-Identity",
                "Diversion", "X-Customer-Id", "Content-Type"), headers.findValuesAsText("name"));
        assertEquals("\"Marie\" <sip:+33142685300@carrier.example>", headers.get(7).path("value").asText());
        assertEquals("cust-4711", headers.get(9).path("value").asText());
        assertEquals(2, r.json().path("sip_headers_omitted").asInt());
        JsonNode q = r.json().path("quality");
        assertEquals(4.33, q.path("mos").asDouble(), 1e-9);
        assertEquals(4.25, q.path("jitter_ms").asDouble(), 1e-9);
        assertEquals(0.004, q.path("packet_loss").asDouble(), 1e-9);
        assertEquals(3000, q.path("packets_expected").asLong());
        assertEquals(12, q.path("packets_lost").asLong());
        // Another workspace's key, or its path, does not reach them.
        assertEquals(404, asA.get("/v1/workspaces/" + wsD + "/calls/" + call).status());
        assertEquals(404, api.client().get("/v1/workspaces/" + wsA + "/calls/" + call).status());
    }

    @Test
    void anAgentCallShowsTheQualityItsEndRecordedAndItsRequestUser() {
        // A workspace of its own, so the other tests' counts of A's calls stay as they are.
        String wsC = api.client().post("/v1/workspaces", "{\"name\":\"C\"}").json().path("id").asText();
        String call = Calls.insert(api.db(), wsC, "bot_c", "ended", "+442079460777", "+15550100", T0.minusSeconds(60));
        api.db().execute("UPDATE calls SET to_raw = '15550100' WHERE id = '" + call + "'");
        api.db().execute("INSERT INTO agent_sessions (id, workspace_id, agent_id, session_type, token_sha256, privacy_mode,"
                + " currency, calls_per_hour, max_call_duration, created_at, expires_at) VALUES ('sess_q', '" + wsC
                + "', 'agent', 'guest', 'hash-q', TRUE, 'USD', 20, 3600, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        api.db().execute("INSERT INTO agent_calls (call_id, session_id, agent_id, privacy_mode, max_duration, record_call,"
                + " transcribe, rate_micros, currency, mos, jitter_ms, packet_loss, created_at) VALUES ('" + call
                + "', 'sess_q', 'agent', TRUE, 600, FALSE, FALSE, 10000, 'USD', 4.21, 3.5, 0.0125, CURRENT_TIMESTAMP)");
        Reply r = api.client().get("/v1/workspaces/" + wsC + "/calls/" + call);
        assertEquals(200, r.status(), r.toString());
        assertEquals(4.21, r.json().path("quality").path("mos").asDouble(), 1e-9);
        assertEquals(3.5, r.json().path("quality").path("jitter_ms").asDouble(), 1e-9);
        assertEquals(0.0125, r.json().path("quality").path("packet_loss").asDouble(), 1e-9);
        assertEquals("15550100", r.json().path("sip").path("request_user").asText());
    }

    @Test
    void numbersCarryTheCountryLibphonenumberPlacesThemIn() {
        JsonNode call = api.client().get("/v1/workspaces/" + wsB + "/calls/" + liveB).json();
        assertEquals("FR", call.path("from_country").asText(), call.toString());
        // +15550100 is too short for any NANP country: no country rather than a guess from "+1".
        assertTrue(call.path("to_country").isNull(), call.toString());
    }

    @Test
    void mediaNodesAreTheOperatorsOnly() {
        api.db().execute("INSERT INTO media_nodes (node_id, sip_address, rtp_address, grpc_address, capacity, current_calls,"
                + " state, started_at, heartbeat_at) VALUES ('node-x', '127.0.0.1:5060', '127.0.0.1', '127.0.0.1:9090', 200, 3,"
                + " 'draining', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        Reply r = api.client().get("/v1/media-nodes");
        assertEquals(200, r.status(), r.toString());
        assertEquals("draining", r.json().path("items").get(0).path("state").asText());
        assertEquals(3, r.json().path("items").get(0).path("current_calls").asInt());
        assertEquals(403, asA.get("/v1/media-nodes").status());
    }

    @Test
    void meNamesTheRoleAndTheKeysWorkspace() {
        assertEquals("operator", api.client().get("/v1/me").json().path("role").asText());
        assertNull(api.client().get("/v1/me").json().get("workspace_id"));
        Reply me = asA.get("/v1/me");
        assertEquals("workspace_admin", me.json().path("role").asText());
        assertEquals(wsA, me.json().path("workspace_id").asText());
        assertEquals(401, api.client().withKey("wrong").get("/v1/me").status());
    }
}
