package dev.patchbay.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An agent's call is placed and ended by a control-plane whose database pool has one connection.
 * Nothing on that path may ask the pool for a second connection while it holds one: under load every
 * connection is held that way and each request waits for another (WalletConcurrencyE2eTest once had
 * an initiate hang 30 s). With one connection such a wait cannot hide: it fails after the pool's
 * connection timeout. Real media-plane, SIPp far end, PostgreSQL.
 */
class AgentCallOnOneConnectionE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final GatewayFixture GATEWAY = new GatewayFixture(Map.of("patchbay.db.connection.maximumPoolSize", "1",
            "patchbay.db.connection.connectionTimeout", "3000", "patchbay.control.warmup.connections", "1"));

    @Test
    void aSubscribedAgentCallIsPlacedAndEndedOnOneConnection(Gateway gw) throws Exception {
        Gateway.FarEnd farEnd = gw.farEnd("ws_one_connection");
        String key = farEnd.key();
        Path dir = farEnd.dir();
        Process far = Sipp.start(dir, List.of("-sn", "uas", "-i", "127.0.0.1", "-p", Integer.toString(farEnd.port()), "-m", "1"));
        try (CallbackReceiver hooks = new CallbackReceiver()) {
            String sid = JSON.readTree(gw.http("POST", "/api/v1/sessions/create", key, "{\"session_type\":\"guest\","
                    + "\"user_consent\":{\"calling_authorized\":true,\"currency\":\"USD\"}}", "X-Agent-ID", "one").body())
                    .get("session_id").asText();
            gw.grant("ws_one_connection", sid, "1.00", "one-grant");
            HttpResponse<String> sub = gw.http("POST", "/api/v1/webhooks/subscribe", key, "{\"session_id\":\"" + sid
                    + "\",\"webhook_url\":\"" + hooks.url() + "\",\"events\":[\"call.initiated\"],\"secret\":\"s3cret-one-connection\"}",
                    "X-Agent-ID", "one");
            assertEquals(201, sub.statusCode(), sub.body());

            HttpResponse<String> placed = gw.http("POST", "/api/v1/calls/initiate", key, "{\"session_id\":\"" + sid
                    + "\",\"to_number\":\"+14155551234\",\"from_number\":\"+12025551000\",\"call_settings\":{\"max_duration\":60}}",
                    "X-Agent-ID", "one");
            assertEquals(201, placed.statusCode(), placed.body());
            String id = JSON.readTree(placed.body()).get("call_id").asText();
            JsonNode initiated = JSON.readTree(hooks.next(Duration.ofSeconds(30)).body());
            assertEquals("call.initiated", initiated.get("event").asText());
            assertEquals(id, initiated.get("data").get("call_id").asText());

            Await.until(() -> gw.eventTypes(id).contains("in-progress"), Duration.ofSeconds(20), "call " + id + " answered");
            HttpResponse<String> ended = gw.http("DELETE", "/api/v1/calls/" + id, key, null, "X-Agent-ID", "one");
            assertEquals(200, ended.statusCode(), ended.body());
            assertEquals(0, Sipp.await(far, dir).exitCode(), "the far end got the call");
            Await.until(() -> "0".equals(gw.sqlValue("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + sid
                    + "' AND account = 'reserved'")), Duration.ofSeconds(10), "the call settled");
        } finally {
            far.destroy();
        }
    }
}
