package dev.patchbay.e2e;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.patchbay.control.delivery.WebhookSigner;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 001's inbound flow with real parts: SIPp calls a DID whose bot is webhook-driven; the caller
 * rings while a real HTTP server (the bot platform) takes its time; its TwiML names a real WebSocket
 * server, which then hears every Twilio Media Streams message in its exact shape and talks back.
 */
class InboundWebhookE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    record Hook(String body, String timestamp, String signature) { }

    @Test
    void aWebhookBotIsAskedWhileTheCallerRingsThenSpeaksTwilioMediaStreams() throws Exception {
        BlockingQueue<Hook> hooks = new LinkedBlockingQueue<>();
        try (Gateway gw = new Gateway(Map.of()); BotServer bot = new BotServer()) {
            HttpServer platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            platform.createContext("/hook", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                hooks.add(new Hook(new String(body, StandardCharsets.UTF_8),
                        ex.getRequestHeaders().getFirst("X-Patchbay-Timestamp"),
                        ex.getRequestHeaders().getFirst("X-Patchbay-Signature")));
                try {
                    // The platform builds its call config, answering only once the caller is ringing.
                    String callSid = JSON.readTree(body).get("call_sid").asText();
                    Await.until(() -> gw.eventTypes(callSid).contains("ringing"), WAIT,
                            "the caller to ring while the platform decides");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] twiml = ("<Response><Connect><Stream url=\"" + bot.url() + "\">"
                        + "<Parameter name=\"lead\" value=\"42\"/></Stream></Connect></Response>").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/xml");
                ex.sendResponseHeaders(200, twiml.length);
                ex.getResponseBody().write(twiml);
                ex.close();
            });
            platform.start();
            try {
                gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_w', 'W', TRUE, CURRENT_TIMESTAMP)",
                        "INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_w', 'ws_w', 'Ringg', "
                                + "'webhook', 'http://127.0.0.1:" + platform.getAddress().getPort() + "/hook', CURRENT_TIMESTAMP)",
                        "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_w', 'ws_w', '+918035735900', "
                                + "'bot_w', CURRENT_TIMESTAMP)");
                gw.awaitConnected(WAIT);

                Path dir = Sipp.workDir();
                // SIPp's stock caller: PCMA audio from a capture, then an RFC 4733 "1", then BYE.
                Process sipp = Sipp.start(dir, List.of("-sn", "uac_pcap", "127.0.0.1:" + gw.sipPort, "-s", "00918035735900",
                        "-m", "1", "-i", "127.0.0.1", "-p", Integer.toString(Ports.freeUdpAndTcp()),
                        "-mp", Integer.toString(Ports.rtpBase(2))));

                Hook hook = hooks.poll(10, TimeUnit.SECONDS);
                assertTrue(hook != null, "the bot platform's webhook was called");
                JsonNode asked = JSON.readTree(hook.body());
                assertEquals("+918035735900", asked.get("to_number").asText(), "the DID in E.164, from the 00 form dialled");
                assertEquals("ws_w", asked.get("workspace_id").asText());
                String callSid = asked.get("call_sid").asText();
                String key = Files.readString(gw.var.resolve("webhook-signing-key")).strip();
                assertTrue(WebhookSigner.verify(key.getBytes(StandardCharsets.UTF_8), hook.timestamp(), hook.signature(),
                        hook.body(), java.time.Instant.now(), WebhookSigner.DEFAULT_TOLERANCE), "the webhook is signed");

                BotServer.Conn conn = bot.next(WAIT);
                JsonNode connected = JSON.readTree(conn.next(String.class, s -> true, WAIT));
                assertEquals("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}", connected.toString());
                JsonNode start = JSON.readTree(conn.next(String.class, s -> true, WAIT));
                assertEquals("start", start.get("event").asText());
                assertEquals("1", start.get("sequenceNumber").asText());
                assertTrue(start.get("sequenceNumber").isTextual());
                String streamSid = start.get("streamSid").asText();
                JsonNode s = start.get("start");
                assertEquals(callSid, s.get("callSid").asText());
                assertEquals("ws_w", s.get("accountSid").asText());
                assertEquals("42", s.get("customParameters").get("lead").asText());
                assertEquals("audio/x-mulaw", s.get("mediaFormat").get("encoding").asText());
                assertEquals(8000, s.get("mediaFormat").get("sampleRate").asInt());
                assertTrue(s.get("mediaFormat").get("sampleRate").isNumber());

                JsonNode media = JSON.readTree(conn.next(String.class, m -> m.contains("\"media\""), WAIT));
                assertEquals(streamSid, media.get("streamSid").asText());
                assertTrue(media.get("media").get("chunk").isTextual() && media.get("media").get("timestamp").isTextual());
                assertEquals(160, Base64.getDecoder().decode(media.get("media").get("payload").asText()).length,
                        "20 ms of mu-law (the caller sends PCMA at 30 ms)");

                // The bot speaks and marks; the mark comes back once its audio has played.
                byte[] speech = new byte[1600];
                for (int i = 0; i < speech.length; i++) {
                    speech[i] = (byte) (0x10 + i % 64);
                }
                conn.send("{\"event\":\"media\",\"streamSid\":\"" + streamSid + "\",\"media\":{\"payload\":\""
                        + Base64.getEncoder().encodeToString(speech) + "\"}}");
                conn.send("{\"event\":\"mark\",\"streamSid\":\"" + streamSid + "\",\"mark\":{\"name\":\"greeting\"}}");
                JsonNode mark = JSON.readTree(conn.next(String.class, m -> m.contains("\"mark\""), WAIT));
                assertEquals("greeting", mark.get("mark").get("name").asText());

                JsonNode dtmf = JSON.readTree(conn.next(String.class, m -> m.contains("\"dtmf\""), Duration.ofSeconds(20)));
                assertEquals("1", dtmf.get("dtmf").get("digit").asText());
                assertEquals("inbound_track", dtmf.get("dtmf").get("track").asText());

                JsonNode stop = JSON.readTree(conn.next(String.class, m -> m.contains("\"stop\""), Duration.ofSeconds(20)));
                assertEquals(callSid, stop.get("stop").get("callSid").asText());
                Sipp.Result r = Sipp.await(sipp, dir);
                assertEquals(0, r.exitCode(), r.output());

                List<String> events = gw.eventTypes(callSid);
                assertTrue(events.indexOf("ringing") < events.indexOf("webhook")
                        && events.indexOf("webhook") < events.indexOf("in-progress"), events.toString());
                assertTrue(events.contains("bot-connected"), events.toString());
                Await.until(() -> gw.eventTypes(callSid).contains("completed"), WAIT, "the call record to be completed");
            } finally {
                platform.stop(0);
            }
        }
    }
}
