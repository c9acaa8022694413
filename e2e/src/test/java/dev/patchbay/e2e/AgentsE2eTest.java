package dev.patchbay.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agents' API (seed 003) end to end: real calls through the media-plane to a SIPp far end,
 * with the wallet, actions that act on the SIP call, history and cost, and signed webhooks.
 */
class AgentsE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_agents_e2e_0123456789";
    private static Gateway gw;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        // balance.low at 16 minutes, so the first call (16 -> 15 minutes) crosses it; 400 requests an hour per key.
        gw = new Gateway(Map.of("patchbay.agents.low-balance-minutes", "16", "patchbay.agents.requests-per-hour", "400"));
        key = gw.workspaceWithKey("ws_agents", true);
        gw.awaitConnected(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static JsonNode call(String method, String path, String body) throws Exception {
        HttpResponse<String> r = gw.http(method, path, key, body, "X-Agent-ID", "agent-e2e");
        JsonNode json = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) (json.isObject() ? json : JSON.createObjectNode()))
                .put("_status", r.statusCode());
        return json;
    }

    @Test
    void anAgentCallsPaysTransfersAndReadsItsHistory() throws Exception {
        int port = Ports.freeUdpAndTcp();
        gw.trunk("ws_agents", port);
        Path dir = Sipp.workDir();
        Process far = Sipp.start(dir, List.of("-sf", Path.of("src/test/resources/sipp/uas_agent.xml").toAbsolutePath()
                .toString(), "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1", "-rtp_echo"));
        try (CallbackReceiver hooks = new CallbackReceiver()) {
            JsonNode session = call("POST", "/api/v1/sessions/create", "{\"session_type\":\"authenticated\","
                    + "\"agent_context\":{\"agent_name\":\"AssistantBot\"},\"user_consent\":{\"calling_authorized\":true,"
                    + "\"privacy_mode\":false,\"currency\":\"USD\"}}");
            assertEquals(201, session.get("_status").asInt(), session.toString());
            String sid = session.get("session_id").asText();
            JsonNode sub = call("POST", "/api/v1/webhooks/subscribe", "{\"session_id\":\"" + sid + "\",\"webhook_url\":\""
                    + hooks.url() + "\",\"events\":[\"call.initiated\",\"call.ringing\",\"call.answered\",\"call.completed\","
                    + "\"balance.low\"],"
                    + "\"secret\":\""
                    + SECRET + "\"}");
            assertEquals(201, sub.get("_status").asInt(), sub.toString());

            String initiate = "{\"session_id\":\"" + sid + "\",\"to_number\":\"+14155551234\",\"from_number\":\"+12025551000\","
                    + "\"call_settings\":{\"max_duration\":600,\"transcribe\":true},\"metadata\":{\"ticket_id\":\"TKT-1\"}}";
            JsonNode broke = call("POST", "/api/v1/calls/initiate", initiate);
            assertEquals(402, broke.get("_status").asInt(), "an empty wallet cannot pay one minute: " + broke);

            JsonNode manual = call("POST", "/api/v1/wallet/add-credits", "{\"session_id\":\"" + sid + "\",\"payment_method\":"
                    + "\"manual\",\"currency\":\"USD\",\"amount\":2.00,\"idempotency_key\":\"grant-1\"}");
            assertEquals(403, manual.get("_status").asInt(), "an agent's key cannot credit its own wallet: " + manual);
            gw.grant("ws_agents", sid, "2.00", "grant-1");
            assertEquals(16, call("GET", "/api/v1/wallet/balance?session_id=" + sid, null).get("balance").get("minutes")
                    .asInt());

            JsonNode placed = call("POST", "/api/v1/calls/initiate", initiate);
            assertEquals(201, placed.get("_status").asInt(), placed.toString());
            String id = placed.get("call_id").asText();
            assertEquals("initiated", placed.get("status").asText());
            assertEquals(0.125, placed.get("estimated_rate").asDouble());
            assertEquals(600, placed.get("max_duration").asInt());

            Await.until(() -> "in-progress".equals(status(id)), Duration.ofSeconds(10), "the far end answers");
            JsonNode dtmf = call("POST", "/api/v1/calls/" + id + "/actions", "{\"action\":\"dtmf\",\"parameters\":{\"digits\":\"12#\"}}");
            assertEquals("executed", dtmf.get("status").asText(), dtmf.toString());
            // The far end echoes RTP, so the digits Patchbay sent come back and are detected: they were on the wire.
            Await.until(() -> gw.eventTypes(id).stream().filter("dtmf"::equals).count() >= 3, Duration.ofSeconds(10),
                    "the three digits echoed back");

            JsonNode hold = call("POST", "/api/v1/calls/" + id + "/actions", "{\"action\":\"hold\"}");
            assertEquals("executed", hold.get("status").asText(), hold.toString());
            JsonNode unhold = call("POST", "/api/v1/calls/" + id + "/actions", "{\"action\":\"unhold\"}");
            assertEquals("executed", unhold.get("status").asText(), unhold.toString());
            assertTrue(gw.eventTypes(id).containsAll(List.of("held", "resumed")), gw.eventTypes(id).toString());

            // Speech rendered by espeak-ng and played into the live call through the media-plane's Play.
            JsonNode spoken = call("POST", "/api/v1/agents/voice-synthesis", "{\"text\":\"Thank you for holding.\","
                    + "\"voice\":\"en-US-Neural2-A\",\"output_format\":\"wav\",\"call_id\":\"" + id + "\"}");
            assertEquals(201, spoken.get("_status").asInt(), spoken.toString());
            assertTrue(gw.eventTypes(id).contains("play"), gw.eventTypes(id).toString());

            JsonNode live = call("GET", "/api/v1/calls/" + id, null);
            assertEquals("in-progress", live.get("status").asText());
            assertEquals(1, live.get("estimated_cost").get("minutes").asInt());
            // The far end echoes what it gets, so the live counters see packets, little loss and a good score.
            JsonNode quality = live.get("quality_metrics");
            assertTrue(quality.get("mos_score").asDouble() > 4.0, quality.toString());
            assertTrue(quality.get("packet_loss").asDouble() < 0.05, quality.toString());

            JsonNode transfer = call("POST", "/api/v1/calls/" + id + "/actions",
                    "{\"action\":\"transfer\",\"parameters\":{\"transfer_to\":\"+14155559999\"}}");
            assertEquals("tel:+14155559999", transfer.get("refer_to").asText(), transfer.toString());
            Sipp.Result sipp = Sipp.await(far, dir);
            assertEquals(0, sipp.exitCode(), sipp.output());

            JsonNode ended = call("DELETE", "/api/v1/calls/" + id, null);
            assertEquals(200, ended.get("_status").asInt(), ended.toString());
            assertEquals(1, ended.get("cost").get("minutes").asInt());
            assertEquals(0.125, ended.get("cost").get("amount").asDouble());
            assertEquals(1.875, ended.get("remaining_balance").get("value").asDouble());
            assertEquals(15, ended.get("remaining_balance").get("minutes").asInt());

            JsonNode history = call("GET", "/api/v1/calls/history?session_id=" + sid + "&status=all&limit=10", null);
            assertEquals(1, history.get("pagination").get("total").asInt(), history.toString());
            JsonNode row = history.get("calls").get(0);
            assertEquals(id, row.get("call_id").asText());
            assertEquals(0.125, row.get("cost").asDouble());
            assertEquals(0, call("GET", "/api/v1/calls/history?session_id=" + sid + "&status=failed", null)
                    .get("pagination").get("total").asInt());
            JsonNode balance = call("GET", "/api/v1/wallet/balance?session_id=" + sid, null);
            assertEquals("settle", balance.get("last_transaction").get("type").asText());
            assertEquals(0, balance.get("reserved").get("value").asInt(), "the call's reservation is settled");

            // Deliveries run in parallel and retry, so they may arrive in any order; the timestamps tell the order.
            // One failed attempt costs the outbox's delivery timeout (10 s) and its first backoff (1 s): the wait
            // allows a retry, since this test is about what is delivered, not how fast.
            Map<String, java.time.Instant> events = new java.util.TreeMap<>();
            java.time.Instant deliveredBy = java.time.Instant.now().plusSeconds(40);
            for (int i = 0; i < 5; i++) {
                CallbackReceiver.Received r = hooks.next(Duration.between(java.time.Instant.now(), deliveredBy));
                assertTrue(r.verifiedWith(SECRET), "the delivery is signed with the subscription's secret: " + r.body());
                JsonNode body = JSON.readTree(r.body());
                if (!body.get("event").asText().equals("balance.low")) {
                    assertEquals(id, body.get("data").get("call_id").asText());
                } else {
                    assertEquals(15, body.get("data").get("balance").get("minutes").asInt(), body.toString());
                }
                assertEquals(sid, body.get("data").get("session_id").asText());
                assertTrue(body.get("signature").asText().startsWith("sha256="));
                events.put(body.get("event").asText(), java.time.Instant.parse(body.get("timestamp").asText()));
            }
            assertEquals(List.of("balance.low", "call.answered", "call.completed", "call.initiated", "call.ringing"),
                    List.copyOf(events.keySet()));
            assertTrue(!events.get("call.initiated").isAfter(events.get("call.ringing"))
                    && !events.get("call.ringing").isAfter(events.get("call.answered"))
                    && !events.get("call.answered").isAfter(events.get("call.completed")), events.toString());
        } finally {
            far.destroy();
        }
    }

    private static String status(String id) {
        return read(key, "agent-e2e", "/api/v1/calls/" + id).path("status").asText();
    }

    @Test
    void aScheduledCallIsRetriedAfterBusyAndThenAnswered() throws Exception {
        String ws = "ws_sched";
        String k = gw.workspaceWithKey(ws, true);
        int port = Ports.freeUdpAndTcp();
        gw.trunk(ws, port);
        Path busyDir = Sipp.workDir();
        Process busy = Sipp.start(busyDir, List.of("-sf", Path.of("src/test/resources/sipp/uas_busy.xml").toAbsolutePath()
                .toString(), "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1"));
        JsonNode session = JSON.readTree(gw.http("POST", "/api/v1/sessions/create", k, "{\"session_type\":\"guest\","
                + "\"user_consent\":{\"calling_authorized\":true}}", "X-Agent-ID", "scheduler").body());
        String sid = session.get("session_id").asText();
        gw.grant(ws, sid, "1.0", "g");
        String at = java.time.LocalDateTime.now(java.time.ZoneId.of("America/Los_Angeles")).plusSeconds(1)
                .withNano(0).toString();
        HttpResponse<String> created = gw.http("POST", "/api/v1/scheduled-calls", k, "{\"session_id\":\"" + sid + "\","
                + "\"to_number\":\"+14155551234\",\"from_number\":\"+12025551000\",\"scheduled_time\":\"" + at + "\","
                + "\"timezone\":\"America/Los_Angeles\",\"retry_policy\":{\"max_attempts\":2,\"retry_interval\":4}}",
                "X-Agent-ID", "scheduler");
        assertEquals(201, created.statusCode(), created.body());
        String job = JSON.readTree(created.body()).get("scheduled_call_id").asText();
        assertEquals("scheduled", JSON.readTree(created.body()).get("status").asText());

        Sipp.Result first = Sipp.await(busy, busyDir);
        assertEquals(0, first.exitCode(), first.output());
        Await.until(() -> scheduled(k, job).path("last_result").asText().startsWith("busy"), Duration.ofSeconds(10),
                "the first attempt ends busy and the job waits to retry");
        JsonNode waiting = scheduled(k, job);
        assertEquals("pending", waiting.get("status").asText(), waiting.toString());
        assertEquals(1, waiting.get("attempts").asInt());

        Path okDir = Sipp.workDir();
        Process ok = Sipp.start(okDir, List.of("-sn", "uas", "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1"));
        try {
            Await.until(() -> "dialing".equals(scheduled(k, job).path("status").asText())
                    && !scheduled(k, job).path("call_id").isNull(), Duration.ofSeconds(15), "the retry is placed");
            String callId = scheduled(k, job).get("call_id").asText();
            Await.until(() -> gw.eventTypes(callId).contains("in-progress"), Duration.ofSeconds(10), "the retry is answered");
            assertEquals(200, gw.http("DELETE", "/api/v1/calls/" + callId, k, null, "X-Agent-ID", "scheduler").statusCode());
            assertEquals(0, Sipp.await(ok, okDir).exitCode());
            Await.until(() -> "completed".equals(scheduled(k, job).path("status").asText()), Duration.ofSeconds(10),
                    "the job completes with its call");
            JsonNode done = scheduled(k, job);
            assertEquals(2, done.get("attempts").asInt());
            JsonNode history = JSON.readTree(gw.http("GET", "/api/v1/calls/history?session_id=" + sid, k, null,
                    "X-Agent-ID", "scheduler").body());
            assertEquals(2, history.get("pagination").get("total").asInt(), history.toString());
            assertEquals("completed", history.get("calls").get(0).get("status").asText());
            assertEquals("busy", history.get("calls").get(1).get("status").asText());
        } finally {
            ok.destroy();
        }
    }

    private static JsonNode scheduled(String k, String job) {
        return read(k, "scheduler", "/api/v1/scheduled-calls/" + job);
    }

    /** A GET of the agents' API as one agent; any failure fails the waiting test with its cause. */
    private static JsonNode read(String k, String agent, String path) {
        try {
            return JSON.readTree(gw.http("GET", path, k, null, "X-Agent-ID", agent).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPrivateCallHidesTheCallerAndEndsAtItsMaxDuration() throws Exception {
        String ws = "ws_private";
        String k = gw.workspaceWithKey(ws, true);
        int port = Ports.freeUdpAndTcp();
        gw.trunk(ws, port);
        Path dir = Sipp.workDir();
        Process far = Sipp.start(dir, List.of("-sf", Path.of("src/test/resources/sipp/uas_private.xml").toAbsolutePath()
                .toString(), "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1"));
        JsonNode session = JSON.readTree(gw.http("POST", "/api/v1/sessions/create", k, "{\"session_type\":\"guest\","
                + "\"user_consent\":{\"calling_authorized\":true}}", "X-Agent-ID", "private").body());
        assertTrue(session.get("privacy_mode").asBoolean());
        String sid = session.get("session_id").asText();
        gw.grant(ws, sid, "1.0", "p");
        HttpResponse<String> placed = gw.http("POST", "/api/v1/calls/initiate", k, "{\"session_id\":\"" + sid + "\","
                + "\"to_number\":\"+14155551234\",\"from_number\":\"+12025551000\",\"call_settings\":{\"max_duration\":2}}",
                "X-Agent-ID", "private");
        assertEquals(201, placed.statusCode(), placed.body());
        String id = JSON.readTree(placed.body()).get("call_id").asText();
        Sipp.Result sipp = Sipp.await(far, dir);
        assertEquals(0, sipp.exitCode(), "the INVITE hid the caller and Patchbay sent the BYE: " + sipp.output());
        Await.until(() -> "completed".equals(callStatus(k, id)), Duration.ofSeconds(10),
                "the call is over");
        JsonNode ended = JSON.readTree(gw.http("GET", "/api/v1/calls/" + id, k, null, "X-Agent-ID", "private").body());
        assertTrue(ended.get("duration").asInt() >= 1 && ended.get("duration").asInt() <= 3, ended.toString());
        assertEquals(1, ended.get("estimated_cost").get("minutes").asInt());
    }

    private static String callStatus(String k, String id) {
        return read(k, "private", "/api/v1/calls/" + id).path("status").asText();
    }

    @Test
    void aKeyOverItsHourlyBudgetGets429WithRetryAfter() throws Exception {
        // The window is the clock hour. A run that straddles one sees two budgets, so it is run again on a fresh
        // key: the server reads the clock between our two readings, and a run lasts far less than an hour, so
        // the second run cannot straddle one too.
        Budgeted run = spendTheBudget("ws_busy_agent");
        if (run.straddled()) {
            run = spendTheBudget("ws_busy_agent_again");
        }
        assertFalse(run.straddled(), "two runs in a row straddled an hour");
        int served = run.served();
        HttpResponse<String> last = run.last();
        assertEquals(400, served, "the budget is served in full");
        assertEquals(429, last.statusCode(), last.body());
        long retry = Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry >= 1 && retry <= 3600, "Retry-After points at the next hour: " + retry);
        assertEquals("application/problem+json", last.headers().firstValue("Content-Type").orElse(""));
        assertEquals(404, gw.http("GET", "/api/v1/sessions/sess_none", key, null, "X-Agent-ID", "agent-e2e").statusCode(),
                "another key is unaffected");
    }

    /** 401 requests on a new key: how many were served, the last answer, and whether a clock hour ended meanwhile. */
    private static Budgeted spendTheBudget(String workspace) throws Exception {
        String k = gw.workspaceWithKey(workspace, true);
        long hour = java.time.Instant.now().getEpochSecond() / 3600;
        int served = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 401; i++) {
            last = gw.http("GET", "/api/v1/sessions/sess_none", k, null, "X-Agent-ID", "chatty");
            if (last.statusCode() == 404) {
                served++;
            }
        }
        return new Budgeted(served, last, java.time.Instant.now().getEpochSecond() / 3600 != hour);
    }

    private record Budgeted(int served, HttpResponse<String> last, boolean straddled) {
    }
}
