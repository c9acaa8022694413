package dev.patchbay.control.wss;

import dev.patchbay.control.testutil.BotServer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.media.codec.G711;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.VoicedRtp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.patchbay.control.wss.CallRig.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Twilio dialect end to end: a real media-plane, a real SIP/RTP caller, a real WebSocket bot. */
class WssBridgeTwilioTest {

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

    static JsonNode json(BotServer.Conn conn, String event) throws InterruptedException {
        String m = conn.next(String.class, s -> s.contains("\"event\":\"" + event + "\""), WAIT);
        try {
            return JSON.readTree(m);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + m, e);
        }
    }

    /** The opening messages, exactly, returning the streamSid. */
    static String opening(BotServer.Conn conn, CallRig.Call call) throws Exception {
        assertEquals("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}", conn.next(WAIT));
        JsonNode start = JSON.readTree((String) conn.next(WAIT));
        String sid = start.get("streamSid").asText();
        assertTrue(sid.matches("MZ[0-9a-f]{32}"), sid);
        assertEquals(JSON.readTree("{\"event\":\"start\",\"sequenceNumber\":\"1\",\"streamSid\":\"" + sid + "\",\"start\":{"
                + "\"streamSid\":\"" + sid + "\",\"accountSid\":\"ws_test\",\"callSid\":\"" + call.callId() + "\","
                + "\"tracks\":[\"inbound\"],\"customParameters\":{\"agent\":\"a\\\"1\"},"
                + "\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}}}"), start);
        return sid;
    }

    private static byte[] frame(int p) {
        byte[] b = new byte[160];
        for (int i = 0; i < 160; i++) {
            int v = (p * 31 + i * 7) & 0xFF;
            b[i] = (byte) (v == 0x7F || v == 0xFF ? 0x7E : v); // 0x7F decodes like 0xFF; 0xFF is silence
        }
        return b;
    }

    private static String media(byte[] ulaw) {
        return "{\"event\":\"media\",\"streamSid\":\"x\",\"media\":{\"payload\":\"" + Base64.getEncoder().encodeToString(ulaw) + "\"}}";
    }

    private static byte[] tone(int frames) {
        byte[] tone = new byte[frames * 160];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = G711.linearToUlaw((short) (8000 * Math.sin(i * 2 * Math.PI / 8)));
        }
        return tone;
    }

    @Test
    void callerAudioDigitsMarksClearAndStopFollowTwilioMediaStreams() throws Exception {
        CallRig.Events events = new CallRig.Events();
        try (CallRig.Call call = rig.call("tw1")) {
            WssBridge bridge = WssBridge.open(rig.mux, CallRig.target(call, bot.url(), "twilio", 8000, Duration.ofSeconds(2)), events, http);
            BotServer.Conn conn = bot.next(WAIT);
            String sid = opening(conn, call);
            assertEquals(sid, bridge.streamId());
            events.await("connected");
            rig.awaitBotAttached(call);

            // caller -> bot: 20 ms mu-law frames, chunk and timestamp counting up as strings
            for (int p = 0; p < 10; p++) {
                call.sendPcmu(p, frame(p));
            }
            long lastSeq = 1;
            long lastTs = -1;
            int matched = 0;
            for (int n = 0; n < 200 && matched < 10; n++) {
                JsonNode media = json(conn, "media");
                assertTrue(media.get("sequenceNumber").isTextual() && media.path("media").get("chunk").isTextual()
                        && media.path("media").get("timestamp").isTextual(), media.toString());
                assertEquals(sid, media.get("streamSid").asText());
                assertEquals("inbound", media.path("media").get("track").asText());
                long seq = Long.parseLong(media.get("sequenceNumber").asText());
                long ts = Long.parseLong(media.path("media").get("timestamp").asText());
                assertTrue(seq > lastSeq && ts > lastTs, "sequenceNumber and timestamp increase: " + media);
                if (n == 0) {
                    assertEquals("1", media.path("media").get("chunk").asText());
                    assertEquals("2", media.get("sequenceNumber").asText());
                }
                lastSeq = seq;
                lastTs = ts;
                byte[] payload = Base64.getDecoder().decode(media.path("media").get("payload").asText());
                assertEquals(160, payload.length);
                if (java.util.Arrays.equals(payload, frame(matched))) {
                    matched++;
                }
            }
            assertEquals(10, matched, "every caller frame reaches the bot in order");

            // an RFC 4733 digit from the caller
            call.sendDigit(9, 100);
            JsonNode dtmf = json(conn, "dtmf");
            assertEquals("inbound_track", dtmf.path("dtmf").get("track").asText());
            assertEquals("9", dtmf.path("dtmf").get("digit").asText());
            assertTrue(dtmf.get("sequenceNumber").isTextual());

            // bot -> caller: the audio is played bit-exact, and the mark comes back only once it has played
            byte[] tone = tone(25);
            long sent = System.nanoTime();
            conn.send(media(tone));
            conn.send("{\"event\":\"mark\",\"streamSid\":\"" + sid + "\",\"mark\":{\"name\":\"after-tone\"}}");
            VoicedRtp.Heard heard = VoicedRtp.receive(call.rtp(), 25, 3000);
            assertArrayEquals(tone, heard.payload());
            JsonNode mark = json(conn, "mark");
            long markMs = (System.nanoTime() - sent) / 1_000_000;
            assertEquals("after-tone", mark.path("mark").get("name").asText());
            assertTrue(markMs >= 400, "500 ms of audio played before the mark came back, took " + markMs + " ms");

            // clear drops the queued audio at once and echoes the pending mark
            conn.send(media(tone(150)));
            conn.send("{\"event\":\"mark\",\"streamSid\":\"" + sid + "\",\"mark\":{\"name\":\"never-played\"}}");
            VoicedRtp.receive(call.rtp(), 5, 3000);
            long clearAt = System.nanoTime();
            conn.send("{\"event\":\"clear\",\"streamSid\":\"" + sid + "\"}");
            assertEquals("never-played", json(conn, "mark").path("mark").get("name").asText());
            assertTrue((System.nanoTime() - clearAt) / 1_000_000 < 1000, "the cleared mark comes back at once, not after 3 s");
            assertTrue(voicedWithin(call, 600) < 10, "the queued 3 s of audio is dropped");

            // caller hangs up: stop, then a normal close
            call.bye(2);
            JsonNode stop = json(conn, "stop");
            assertEquals(JSON.readTree("{\"accountSid\":\"ws_test\",\"callSid\":\"" + call.callId() + "\"}"), stop.get("stop"));
            assertEquals(sid, stop.get("streamSid").asText());
            assertEquals(1000, conn.next(BotServer.Closed.class, c -> true, WAIT).code());
            events.await("ended CALLER_BYE");
        }
    }

    /** How many voiced (non-silent) frames the caller hears in the next {@code ms}. */
    static int voicedWithin(CallRig.Call call, int ms) throws Exception {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        int voiced = 0;
        byte[] buf = new byte[2048];
        call.rtp().setSoTimeout(50);
        while (System.nanoTime() < deadline) {
            java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
            try {
                call.rtp().receive(p);
            } catch (java.net.SocketTimeoutException e) {
                continue;
            }
            boolean silent = true;
            for (int i = 12; i < p.getLength(); i++) {
                silent &= buf[i] == (byte) 0xFF;
            }
            voiced += silent ? 0 : 1;
        }
        return voiced;
    }

    @Test
    void aTransferThatSucceedsEndsTheStreamWithStop() throws Exception {
        CallRig.Events events = new CallRig.Events();
        try (CallRig.Call call = rig.call("tw7")) {
            WssBridge.open(rig.mux, CallRig.target(call, bot.url(), "twilio", 8000, Duration.ofSeconds(2)), events, http);
            BotServer.Conn conn = bot.next(WAIT);
            opening(conn, call);
            conn.send("{\"event\":\"transfer\",\"transfer\":{\"to\":\"sip:agent@pbx.example.com\"}}");
            var refer = call.sip().nextRequest(WAIT);
            assertTrue(refer.header("Refer-To").contains("sip:agent@pbx.example.com"), refer.header("Refer-To"));
            call.sip().respond(refer, 202, "Accepted");
            call.sip().request("NOTIFY", "patchbay", 2, "tw7notify", call.toTag(), "Event: refer\r\nSubscription-State: terminated;reason=noresource"
                    + "\r\nContent-Type: message/sipfrag;version=2.0\r\n", "SIP/2.0 200 OK\r\n");
            assertEquals(200, call.sip().finalResponse(WAIT).status(), "NOTIFY is answered");
            call.awaitBye();
            JsonNode stop = json(conn, "stop");
            assertEquals(call.callId(), stop.path("stop").get("callSid").asText());
            events.await("ended TRANSFERRED");
            assertTrue(events.has("transfer sip:agent@pbx.example.com"), events.log.toString());
        }
    }

    @Test
    void botClosingTheSocketHangsUpTheCall() throws Exception {
        CallRig.Events events = new CallRig.Events();
        try (CallRig.Call call = rig.call("tw2")) {
            WssBridge.open(rig.mux, CallRig.target(call, bot.url(), "", 8000, Duration.ofSeconds(2)), events, http);
            BotServer.Conn conn = bot.next(WAIT);
            opening(conn, call);
            conn.session.close(1000, "done");
            call.awaitBye();
            events.await("ended BOT_HANGUP");
            assertTrue(events.has("hangup the bot closed its websocket (1000 done)"), events.log.toString());
        }
    }

    @Test
    void anUnreachableBotHangsUpTheCallNamingTheUrl() throws Exception {
        CallRig.Events events = new CallRig.Events();
        try (CallRig.Call call = rig.call("tw3")) {
            int closed = dev.patchbay.media.testutil.Ports.freeUdpAndTcp();
            WssBridge.open(rig.mux, CallRig.target(call, "ws://127.0.0.1:" + closed + "/bot", "twilio", 8000, Duration.ofSeconds(2)),
                    events, http);
            call.awaitBye();
            events.await("ended bot websocket connect to ws://127.0.0.1:" + closed + "/bot failed");
            assertTrue(!events.has("connected"), events.log.toString());
        }
    }

    @Test
    void extensionActionsReachTheCallAndBadMessagesAreCountedNotFatal() throws Exception {
        CallRig.Events events = new CallRig.Events();
        try (CallRig.Call call = rig.call("tw4")) {
            WssBridge bridge = WssBridge.open(rig.mux, CallRig.target(call, bot.url(), "twilio", 8000, Duration.ofSeconds(2)), events, http);
            BotServer.Conn conn = bot.next(WAIT);
            opening(conn, call);
            conn.send("not json");
            conn.send("{\"event\":\"media\",\"media\":{\"payload\":\"***\"}}");
            conn.send("{\"event\":\"dance\"}");
            conn.send("{\"event\":\"dtmf\",\"dtmf\":{\"digits\":\"12#\"}}");
            events.await("dtmf 12#");
            conn.send("{\"event\":\"transfer\",\"transfer\":{\"to\":\"+1 415 555 0100\"}}");
            var refer = call.sip().nextRequest(WAIT);
            assertTrue(refer.startLine().startsWith("REFER "), refer.startLine());
            assertTrue(refer.header("Refer-To").contains("tel:+14155550100"), refer.header("Refer-To"));
            call.sip().respond(refer, 603, "Decline");
            events.await("transfer-failed tel:+14155550100 603");
            assertEquals(3, bridge.botErrors());
            conn.send("{\"event\":\"hangup\"}");
            call.awaitBye();
            events.await("ended BOT_HANGUP");
            assertTrue(events.has("bot-errors 3"), events.log.toString());
        }
    }

    @Test
    void anAbruptDropReconnectsWithinGraceAndKeepsTheCall() throws Exception {
        CallRig.Events events = new CallRig.Events();
        try (CallRig.Call call = rig.call("tw5"); TcpProxy proxy = new TcpProxy(bot.port())) {
            WssBridge.open(rig.mux, CallRig.target(call, "ws://127.0.0.1:" + proxy.port() + "/bot", "twilio", 8000,
                    Duration.ofSeconds(3)), events, http);
            BotServer.Conn first = bot.next(WAIT);
            String sid = opening(first, call);
            proxy.cut(); // no close frame: the network went away
            BotServer.Conn second = bot.next(WAIT);
            assertEquals(sid, opening(second, call), "the same stream continues");
            events.await("reconnected");
            for (int p = 0; p < 5; p++) {
                call.sendPcmu(p, frame(p));
            }
            json(second, "media");
            assertTrue(rig.plane.calls().byId(call.callId()).isPresent(), "the call survived the drop");
            call.bye(2);
            events.await("ended CALLER_BYE");
        }
    }

    @Test
    void aDropBeyondGraceHangsUp() throws Exception {
        CallRig.Events events = new CallRig.Events();
        try (CallRig.Call call = rig.call("tw6"); TcpProxy proxy = new TcpProxy(bot.port())) {
            WssBridge.open(rig.mux, CallRig.target(call, "ws://127.0.0.1:" + proxy.port() + "/bot", "twilio", 8000,
                    Duration.ofMillis(700)), events, http);
            opening(bot.next(WAIT), call);
            proxy.refuse();
            proxy.cut();
            call.awaitBye();
            events.await("ended BOT_HANGUP");
            assertTrue(events.log.stream().anyMatch(s -> s.contains("bot websocket lost")), events.log.toString());
            Await.until(() -> rig.plane.calls().byId(call.callId()).isEmpty(), WAIT, "the call to end");
        }
    }
}
