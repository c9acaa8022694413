package dev.patchbay.e2e;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider API's contract: keys per workspace, precise problems, idempotent creation, scoping. */
@ExtendWith(GatewayFixture.class)
class ProviderApiE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String keyA;
    private static String keyB;
    private static String keyOff;
    private static int trunkPort;

    @BeforeAll
    static void start(Gateway gw) {
        keyA = gw.workspaceWithKey("ws_a", true);
        keyB = gw.workspaceWithKey("ws_b", true);
        keyOff = gw.workspaceWithKey("ws_off", false);
        trunkPort = Ports.freeUdpAndTcp();
        gw.trunk("ws_a", trunkPort);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static String body(String to) {
        // The bot's URL is never dialled in these tests: each call ends before or right after the answer.
        return "{\"to\":\"" + to + "\",\"from\":\"+918035735900\",\"websocket_url\":\"wss://bot.example/stream/1\","
                + "\"custom_parameters\":{\"lead\":\"42\"}}";
    }

    @Test
    void everyV1PathNeedsAValidKeyOfAnEnabledWorkspace(Gateway gw) throws Exception {
        HttpResponse<String> none = gw.http("GET", "/v1/calls/CA00", null, null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").contains("Bearer"));
        assertEquals("application/problem+json", none.headers().firstValue("Content-Type").orElse(""));
        assertEquals("Authorization", json(none).get("errors").get(0).get("field").asText());
        assertEquals(401, gw.http("GET", "/v1/no-such-path", null, null).statusCode(), "unknown paths reveal nothing");
        assertEquals(401, gw.http("GET", "/v1/calls/CA00", "key_ws_a.wrong", null).statusCode());
        assertEquals(403, gw.http("GET", "/v1/calls/CA00", keyOff, null).statusCode());
        String basic = Base64.getEncoder().encodeToString("key_ws_a:secret-of-ws_a".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> viaBasic = gw.http("GET", "/v1/calls/CA00", null, null, "Authorization", "Basic " + basic);
        assertEquals(404, viaBasic.statusCode(), "Basic auth as Twilio clients send it is accepted");
        assertEquals(200, gw.http("GET", "/health", null, null).statusCode(), "health needs no key");
    }

    @Test
    void invalidRequestsNameEveryBadField(Gateway gw) throws Exception {
        HttpResponse<String> r = gw.http("POST", "/v1/calls", keyA, "{\"to\":\"12345\",\"from\":\"nope\","
                + "\"websocket_url\":\"http://x\",\"dialect\":\"klingon\",\"sample_rate\":44100}");
        assertEquals(422, r.statusCode(), r.body());
        List<String> fields = new java.util.ArrayList<>();
        json(r).get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertEquals(List.of("to", "from", "websocket_url", "dialect", "sample_rate"), fields);

        HttpResponse<String> shape = gw.http("POST", "/v1/calls", keyA, "{\"to\":1,\"colour\":\"red\"}");
        assertEquals(400, shape.statusCode());
        assertTrue(shape.body().contains("\"colour\"") && shape.body().contains("\"to\""), shape.body());
        assertEquals(400, gw.http("POST", "/v1/calls", keyA, "{not json").statusCode());
        assertEquals(422, gw.http("POST", "/v1/calls", keyB, body("+919494865411")).statusCode(),
                "a workspace without an outbound trunk is told to add one");
    }

    @Test
    void anIdempotencyKeyReplaysTheFirstCallAndRefusesADifferentBody(Gateway gw) throws Exception {
        HttpResponse<String> first = gw.http("POST", "/v1/calls", keyA, body("+919494865411"), "Idempotency-Key", "order-1");
        assertEquals(201, first.statusCode(), first.body());
        JsonNode call = json(first);
        String id = call.get("call_id").asText();
        assertTrue(id.matches("CA[0-9a-f]{32}"), id);
        assertEquals("/v1/calls/" + id, first.headers().firstValue("Location").orElse(""));
        assertEquals("outbound", call.get("direction").asText());
        assertEquals("+919494865411", call.get("to").asText());

        HttpResponse<String> again = gw.http("POST", "/v1/calls", keyA, body("+919494865411"), "Idempotency-Key", "order-1");
        assertEquals(200, again.statusCode());
        assertEquals(id, json(again).get("call_id").asText());
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
        HttpResponse<String> other = gw.http("POST", "/v1/calls", keyA, body("+919494865499"), "Idempotency-Key", "order-1");
        assertEquals(422, other.statusCode());
        assertEquals("Idempotency-Key", json(other).get("errors").get(0).get("field").asText());

        // Another workspace cannot see the call, and the call's history is readable by its owner.
        assertEquals(404, gw.http("GET", "/v1/calls/" + id, keyB, null).statusCode());
        JsonNode events = json(gw.http("GET", "/v1/calls/" + id + "/events", keyA, null));
        assertEquals("queued", events.get("events").get(0).get("type").asText());
        assertNotNull(events.get("events").get(0).get("at").asText());
    }

    @Test
    void anOutboundCallStreamsToTheBotWhenAnsweredAndItsCallbackCarriesTheDuration(Gateway gw) throws Exception {
        // Its own workspace and far end: a far end that answers one call and waits for the BYE.
        Gateway.FarEnd farEnd = gw.farEnd("ws_o");
        int port = farEnd.port();
        String key = farEnd.key();
        Path dir = farEnd.dir();
        Process uas = Sipp.start(dir, List.of("-sn", "uas", "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1"));
        try (BotServer bot = new BotServer(); CallbackReceiver callbacks = new CallbackReceiver()) {
            String request = "{\"to\":\"+919494865411\",\"from\":\"+918035735900\",\"websocket_url\":\"" + bot.url()
                    + "\",\"callback_url\":\"" + callbacks.url() + "\",\"custom_parameters\":{\"agent\":\"ringg-7\"}}";
            HttpResponse<String> placed = gw.http("POST", "/v1/calls", key, request);
            assertEquals(201, placed.statusCode(), placed.body());
            String id = json(placed).get("call_id").asText();

            BotServer.Conn conn = bot.next(Duration.ofSeconds(10));
            assertTrue(conn.next(String.class, m -> m.contains("\"connected\""), Duration.ofSeconds(5)) != null);
            JsonNode start = JSON.readTree(conn.next(String.class, m -> m.contains("\"start\""), Duration.ofSeconds(5)));
            assertEquals(id, start.get("start").get("callSid").asText());
            assertEquals("ringg-7", start.get("start").get("customParameters").get("agent").asText());
            JsonNode call = json(gw.http("GET", "/v1/calls/" + id, key, null));
            assertEquals("in-progress", call.get("status").asText(), "the bot is connected the moment the callee answers");
            assertEquals(gw.control.links().get(0).node(), call.get("media_node").asText());

            Thread.sleep(2_000); // the conversation
            conn.session.close(1000, "bye"); // the bot hangs up: Twilio semantics, the call ends

            CallbackReceiver.Received cb = callbacks.next(Duration.ofSeconds(10));
            JsonNode ended = JSON.readTree(cb.body());
            assertEquals(id, ended.get("call_id").asText());
            assertEquals("completed", ended.get("status").asText());
            long duration = ended.get("duration").asLong();
            assertTrue(duration >= 2 && duration <= 4, "duration " + duration + " s for a 2 s conversation");
            assertTrue(ended.has("recording_url"), cb.body());
            assertTrue(cb.verifiedWith(gw.var.resolve("webhook-signing-key")), "the callback is signed");
            JsonNode after = json(gw.http("GET", "/v1/calls/" + id, key, null));
            assertEquals("completed", after.get("status").asText());
            assertEquals(duration, after.get("duration").asLong());
            assertEquals(0, Sipp.await(uas, dir).exitCode(), "the far end saw a whole call, BYE included");
        } finally {
            uas.destroyForcibly();
        }
    }

    /** SIPp's message trace, for a failure message. */
    private static String messages(Path dir) throws java.io.IOException {
        StringBuilder out = new StringBuilder();
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith("_messages.log")).toList()) {
                out.append("\n--- ").append(f.getFileName()).append(" ---\n").append(java.nio.file.Files.readString(f));
            }
        }
        return out.toString();
    }

    @Test
    void aBlindTransferReachesTheFarEndAsReferWithTheRightReferTo(Gateway gw) throws Exception {
        Gateway.FarEnd farEnd = gw.farEnd("ws_t");
        int port = farEnd.port();
        String key = farEnd.key();
        Path dir = farEnd.dir();
        Process far = Sipp.start(dir, List.of("-sf", Path.of("src/test/resources/sipp/uas_refer.xml").toAbsolutePath().toString(),
                "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1", "-trace_msg"));
        try (BotServer bot = new BotServer()) {
            String id = json(gw.http("POST", "/v1/calls", key, "{\"to\":\"+919494865413\",\"from\":\"+918035735900\","
                    + "\"websocket_url\":\"" + bot.url() + "\"}")).get("call_id").asText();
            bot.next(Duration.ofSeconds(10)).next(String.class, m -> m.contains("\"start\""), Duration.ofSeconds(5));
            HttpResponse<String> badTarget = gw.http("POST", "/v1/calls/" + id + "/transfer", key, "{\"to\":\"4155550123\"}");
            assertEquals(422, badTarget.statusCode());
            HttpResponse<String> transfer = gw.http("POST", "/v1/calls/" + id + "/transfer", key, "{\"to\":\"+14155550123\"}");
            assertEquals(202, transfer.statusCode(), transfer.body());
            assertEquals("tel:+14155550123", json(transfer).get("refer_to").asText());
            Sipp.Result r = Sipp.await(far, dir);
            assertEquals(0, r.exitCode(), "SIPp checks the Refer-To: " + r.output() + messages(dir));
            Await.until(() -> gw.eventTypes(id).contains("completed"), Duration.ofSeconds(10), "the transferred call to end");
            JsonNode call = json(gw.http("GET", "/v1/calls/" + id, key, null));
            assertEquals("transferred", call.get("hangup_cause").asText());
            List<String> events = gw.eventTypes(id);
            assertTrue(events.contains("transfer-requested") && events.contains("transfer-result"), events.toString());
            HttpResponse<String> late = gw.http("POST", "/v1/calls/" + id + "/hangup", key, "{}");
            assertEquals(409, late.statusCode(), "an ended call takes no more actions");
        } finally {
            far.destroyForcibly();
        }
    }
}
