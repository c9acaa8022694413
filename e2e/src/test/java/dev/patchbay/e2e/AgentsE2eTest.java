package dev.patchbay.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
        gw = new Gateway(Map.of());
        key = gw.workspaceWithKey("ws_agents", true);
        Await.until(() -> gw.control.links().get(0).connected(), Duration.ofSeconds(10), "control-plane connected");
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
                    + hooks.url() + "\",\"events\":[\"call.initiated\",\"call.answered\",\"call.completed\"],\"secret\":\""
                    + SECRET + "\"}");
            assertEquals(201, sub.get("_status").asInt(), sub.toString());

            String initiate = "{\"session_id\":\"" + sid + "\",\"to_number\":\"+14155551234\",\"from_number\":\"+12025551000\","
                    + "\"call_settings\":{\"max_duration\":600,\"transcribe\":true},\"metadata\":{\"ticket_id\":\"TKT-1\"}}";
            JsonNode broke = call("POST", "/api/v1/calls/initiate", initiate);
            assertEquals(402, broke.get("_status").asInt(), "an empty wallet cannot pay one minute: " + broke);

            JsonNode credit = call("POST", "/api/v1/wallet/add-credits", "{\"session_id\":\"" + sid + "\",\"payment_method\":"
                    + "\"manual\",\"currency\":\"USD\",\"amount\":2.00,\"idempotency_key\":\"grant-1\"}");
            assertEquals(16, credit.get("minutes_added").asInt(), credit.toString());

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

            JsonNode live = call("GET", "/api/v1/calls/" + id, null);
            assertEquals("in-progress", live.get("status").asText());
            assertEquals(1, live.get("estimated_cost").get("minutes").asInt());
            assertTrue(live.get("quality_metrics").has("mos_score"));

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
            assertEquals("debit", balance.get("last_transaction").get("type").asText());

            List<String> events = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                CallbackReceiver.Received r = hooks.next(Duration.ofSeconds(10));
                assertTrue(r.verifiedWith(SECRET), "the delivery is signed with the subscription's secret: " + r.body());
                JsonNode body = JSON.readTree(r.body());
                assertEquals(id, body.get("data").get("call_id").asText());
                assertEquals(sid, body.get("data").get("session_id").asText());
                assertTrue(body.get("signature").asText().startsWith("sha256="));
                events.add(body.get("event").asText());
            }
            assertEquals(List.of("call.initiated", "call.answered", "call.completed"), events);
        } finally {
            far.destroy();
        }
    }

    private static String status(String id) {
        try {
            return call("GET", "/api/v1/calls/" + id, null).path("status").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
