package dev.patchbay.control.wss;

import dev.patchbay.control.testutil.BotServer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.media.codec.G711;
import dev.patchbay.media.testutil.VoicedRtp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.patchbay.control.wss.CallRig.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jambonz and Plivo dialects end to end over a real media-plane, SIP/RTP caller and WebSocket bot. */
class WssBridgeJambonzPlivoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static CallRig rig;
    private static BotServer bot;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        rig = new CallRig();
        bot = new BotServer();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        bot.close();
        rig.close();
    }

    /** Mu-law codes avoiding silence (0xFF) and negative zero (0x7F), and the L16 samples they decode to. */
    private static byte[] codes(int n) {
        byte[] c = new byte[n];
        for (int i = 0; i < n; i++) {
            int v = (i * 13 + 5) & 0xFF;
            c[i] = (byte) (v == 0x7F || v == 0xFF ? 0x7E : v);
        }
        return c;
    }

    private static byte[] l16(byte[] ulaw) {
        byte[] pcm = new byte[ulaw.length * 2];
        for (int i = 0; i < ulaw.length; i++) {
            short s = G711.ulawToLinear(ulaw[i]);
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        return pcm;
    }

    @Test
    void jambonzGetsItsSubprotocolAJsonFrameThenBinaryL16BothWays() throws Exception {
        CallRig.Events events = new CallRig.Events();
        try (CallRig.Call call = rig.call("jz1")) {
            WssBridge.open(rig.mux, CallRig.target(call, bot.url(), "jambonz", 8000, Duration.ofSeconds(2)), events, http);
            BotServer.Conn conn = bot.next(WAIT);
            assertEquals("audio.jambonz.org", conn.requestedProtocol);
            JsonNode first = JSON.readTree((String) conn.next(WAIT));
            assertEquals(JSON.readTree("{\"callSid\":\"" + call.callId() + "\",\"direction\":\"inbound\",\"from\":\"+15550001111\","
                    + "\"to\":\"+15550002222\",\"accountSid\":\"ws_test\",\"sampleRate\":8000,\"mixType\":\"mono\",\"agent\":\"a\\\"1\"}"), first);

            // caller mu-law arrives as little-endian L16, 160 samples per 20 ms frame
            byte[] sent = codes(160);
            rig.awaitBotAttached(call);
            call.sendPcmu(0, sent);
            byte[] expected = l16(sent);
            byte[] frame = conn.next(byte[].class, b -> java.util.Arrays.equals(b, expected), WAIT);
            assertEquals(320, frame.length);

            call.sendDigit(5, 50);
            JsonNode dtmf = JSON.readTree(conn.next(String.class, s -> s.contains("dtmf"), WAIT));
            assertEquals("5", dtmf.get("dtmf").asText());
            assertTrue(dtmf.get("duration").isTextual(), dtmf.toString());

            // bot L16 is played to the caller bit-exact as mu-law, and the mark comes back once played
            byte[] tone = codes(5 * 160);
            conn.send(l16(tone));
            conn.send("{\"type\":\"mark\",\"data\":{\"name\":\"spoken\"}}");
            assertArrayEquals(tone, VoicedRtp.receive(call.rtp(), 5, 3000).payload());
            assertEquals(JSON.readTree("{\"type\":\"mark\",\"data\":{\"name\":\"spoken\",\"event\":\"playout\"}}"),
                    JSON.readTree(conn.next(String.class, s -> s.contains("\"mark\""), WAIT)));

            conn.send(l16(codes(150 * 160)));
            conn.send("{\"type\":\"mark\",\"data\":{\"name\":\"cut\"}}");
            VoicedRtp.receive(call.rtp(), 3, 3000);
            conn.send("{\"type\":\"killAudio\"}");
            assertEquals(JSON.readTree("{\"type\":\"mark\",\"data\":{\"name\":\"cut\",\"event\":\"cleared\"}}"),
                    JSON.readTree(conn.next(String.class, s -> s.contains("\"mark\""), WAIT)));

            conn.send("{\"type\":\"disconnect\"}");
            call.awaitBye();
            events.await("ended BOT_HANGUP");
            assertEquals(1000, conn.next(BotServer.Closed.class, c -> true, WAIT).code());
        }
    }

    @Test
    void jambonzAtSixteenKilohertzGetsTwentyMillisecondFramesOf640Bytes() throws Exception {
        CallRig.Events events = new CallRig.Events();
        try (CallRig.Call call = rig.call("jz2")) {
            WssBridge.open(rig.mux, CallRig.target(call, bot.url(), "jambonz", 16000, Duration.ofSeconds(2)), events, http);
            BotServer.Conn conn = bot.next(WAIT);
            assertEquals(16000, JSON.readTree((String) conn.next(WAIT)).get("sampleRate").asInt());
            for (int p = 0; p < 3; p++) {
                call.sendPcmu(p, codes(160));
            }
            assertEquals(640, conn.next(byte[].class, b -> true, WAIT).length);
            call.bye(2);
            events.await("ended CALLER_BYE");
        }
    }

    @Test
    void plivoStartMediaCheckpointClearAndDtmfMatchTheAudioStreamShapes() throws Exception {
        CallRig.Events events = new CallRig.Events();
        try (CallRig.Call call = rig.call("pl1")) {
            WssBridge bridge = WssBridge.open(rig.mux, CallRig.target(call, bot.url(), "plivo", 8000, Duration.ofSeconds(2)), events, http);
            BotServer.Conn conn = bot.next(WAIT);
            String id = bridge.streamId();
            assertEquals(JSON.readTree("{\"event\":\"start\",\"sequenceNumber\":1,\"start\":{\"callId\":\"" + call.callId() + "\","
                    + "\"streamId\":\"" + id + "\",\"accountId\":\"ws_test\",\"tracks\":[\"inbound\"],"
                    + "\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000}},\"extra_headers\":\"{\\\"agent\\\":\\\"a\\\\\\\"1\\\"}\"}"),
                    JSON.readTree((String) conn.next(WAIT)));

            byte[] sent = codes(160);
            rig.awaitBotAttached(call);
            call.sendPcmu(0, sent);
            JsonNode media = null;
            for (int n = 0; n < 100 && media == null; n++) {
                JsonNode m = JSON.readTree(conn.next(String.class, s -> s.contains("\"media\""), WAIT));
                if (java.util.Arrays.equals(sent, Base64.getDecoder().decode(m.path("media").get("payload").asText()))) {
                    media = m;
                }
            }
            assertTrue(media != null, "the caller frame reaches the bot");
            assertTrue(media.get("sequenceNumber").isInt() && media.path("media").get("chunk").isInt()
                    && media.path("media").get("timestamp").isTextual(), media.toString());
            assertEquals(id, media.get("streamId").asText());
            assertEquals("inbound", media.path("media").get("track").asText());

            call.sendDigit(1, 60);
            JsonNode dtmf = JSON.readTree(conn.next(String.class, s -> s.contains("\"dtmf\""), WAIT));
            assertEquals("1", dtmf.path("dtmf").get("digit").asText());

            byte[] tone = codes(5 * 160);
            conn.send("{\"event\":\"playAudio\",\"media\":{\"contentType\":\"audio/x-mulaw\",\"sampleRate\":8000,\"payload\":\""
                    + Base64.getEncoder().encodeToString(tone) + "\"}}");
            conn.send("{\"event\":\"checkpoint\",\"streamId\":\"" + id + "\",\"name\":\"cp1\"}");
            assertArrayEquals(tone, VoicedRtp.receive(call.rtp(), 5, 3000).payload());
            JsonNode played = JSON.readTree(conn.next(String.class, s -> s.contains("playedStream"), WAIT));
            assertEquals("cp1", played.get("name").asText());
            assertEquals(id, played.get("streamId").asText());

            conn.send("{\"event\":\"playAudio\",\"media\":{\"contentType\":\"audio/x-mulaw\",\"sampleRate\":8000,\"payload\":\""
                    + Base64.getEncoder().encodeToString(codes(150 * 160)) + "\"}}");
            VoicedRtp.receive(call.rtp(), 3, 3000);
            conn.send("{\"event\":\"clearAudio\",\"streamId\":\"" + id + "\"}");
            JsonNode cleared = JSON.readTree(conn.next(String.class, s -> s.contains("clearedAudio"), WAIT));
            assertEquals(id, cleared.get("streamId").asText());
            assertTrue(WssBridgeTwilioTest.voicedWithin(call, 600) < 10, "the queued audio is dropped");

            conn.send("{\"event\":\"sendDTMF\",\"dtmf\":\"42\"}");
            events.await("dtmf 42");
            call.bye(2);
            events.await("ended CALLER_BYE");
            assertEquals(1000, conn.next(BotServer.Closed.class, c -> true, WAIT).code());
        }
    }
}
