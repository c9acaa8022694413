package dev.patchbay.e2e;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.codec.G711;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Goertzel;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.RtpCapture;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 001's "the caller should not hear silence" with real parts: a webhook bot configured with
 * early_media (V14) answers only after the caller has heard 2 s of early media; the SIPp caller gets
 * 183 Session Progress with SDP and hears ringback (checked with Goertzel on the RTP a real receiver
 * captured), then 200 OK with the same SDP. A DID overriding its bot with a clip plays the clip instead.
 */
class EarlyMediaE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aSlowWebhookBotsCallerHearsRingbackThenTheDidsClipOverridesIt() throws Exception {
        Path clips = Files.createTempDirectory("patchbay-clips");
        Files.write(clips.resolve("tone-1k.wav"), wav1k());
        AtomicReference<RtpCapture> caller = new AtomicReference<>(); // the current call's, which the platform waits for
        try (Gateway gw = new Gateway(Map.of("patchbay.control.early-media.clips", clips.toString()));
             BotServer bot = new BotServer()) {
            HttpServer platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            platform.createContext("/hook", ex -> {
                ex.getRequestBody().readAllBytes();
                try {
                    // The platform decides slowly: it answers only once the caller has heard 2 s of early media.
                    Await.until(() -> caller.get() != null && caller.get().count() >= 100, WAIT,
                            "the caller to hear 100 early packets while the platform decides");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] twiml = ("<Response><Connect><Stream url=\"" + bot.url() + "\"/></Connect></Response>")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/xml");
                ex.sendResponseHeaders(200, twiml.length);
                ex.getResponseBody().write(twiml);
                ex.close();
            });
            platform.start();
            try {
                gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_e', 'E', TRUE, CURRENT_TIMESTAMP)",
                        "INSERT INTO bots (id, workspace_id, name, kind, url, early_media, created_at) VALUES ('bot_e', 'ws_e',"
                                + " 'Slow', 'webhook', 'http://127.0.0.1:" + platform.getAddress().getPort() + "/hook', 'ringback',"
                                + " CURRENT_TIMESTAMP)",
                        "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_e1', 'ws_e', '+15550100001',"
                                + " 'bot_e', CURRENT_TIMESTAMP)",
                        "INSERT INTO dids (id, workspace_id, number, bot_id, early_media, early_media_clip, created_at) VALUES"
                                + " ('did_e2', 'ws_e', '+15550100002', 'bot_e', 'clip', 'tone-1k.wav', CURRENT_TIMESTAMP)");
                gw.awaitConnected(WAIT);

                List<short[]> ringback = call(gw, bot, "+15550100001", caller);
                for (int f = 0; f < 96; f += 8) { // the first 2 s: 440 and 480 Hz, nothing at 1 kHz
                    short[] block = block(ringback, f);
                    assertTrue(Goertzel.power(block, 440) > 5e-4 && Goertzel.power(block, 480) > 5e-4, "ringback at frame " + f);
                    assertTrue(Goertzel.power(block, 1000) < 1e-5, "no 1 kHz at frame " + f);
                }
                List<short[]> clip = call(gw, bot, "+15550100002", caller);
                for (int f = 0; f < 96; f += 8) {
                    short[] block = block(clip, f);
                    assertTrue(Goertzel.power(block, 1000) > 0.01, "the DID's clip at frame " + f);
                    assertTrue(Goertzel.power(block, 440) < 1e-4, "no ringback at frame " + f);
                }
            } finally {
                platform.stop(0);
            }
        }
    }

    /**
     * One call to {@code number} with SIPp's early-media caller: the early frames it heard before the
     * webhook's answer, after checking the 183, the 200 OK with the same SDP, and the call's events.
     */
    private static List<short[]> call(Gateway gw, BotServer bot, String number, AtomicReference<RtpCapture> current)
            throws Exception {
        try (RtpCapture caller = new RtpCapture()) {
            current.set(caller);
            Path dir = Sipp.workDir();
            // This module's own copy: media-plane's test resources are inside a jar in a full build.
            Path scenario = Path.of("src/test/resources/sipp/uac_early_media.xml").toAbsolutePath();
            Process sipp = Sipp.start(dir, List.of("-sf", scenario.toString(), "-s", number, "-m", "1", "-i", "127.0.0.1",
                    "-p", Integer.toString(Ports.freeUdpAndTcp()), "-mp", Integer.toString(Ports.rtpBase(2)),
                    "-key", "rtp_port", Integer.toString(caller.port()), "127.0.0.1:" + gw.sipPort));
            BotServer.Conn conn = bot.next(WAIT); // the webhook answered: the call is up and the bot connected
            int heardBeforeAnswer = caller.count();
            String callId = gw.sqlValue("SELECT id FROM calls WHERE to_number = '" + number + "' ORDER BY created_at DESC");
            assertTrue(heardBeforeAnswer >= 100, heardBeforeAnswer + " early packets before the webhook's answer");
            conn.next(String.class, m -> m.contains("\"start\""), WAIT);
            conn.session.close(1000, "done");
            Sipp.Result r = Sipp.await(sipp, dir);
            assertEquals(0, r.exitCode(), "SIPp got 183 with SDP, then 200 OK with the same SDP, then BYE:\n" + r.output());
            List<String> events = gw.eventTypes(callId);
            assertTrue(events.indexOf("early_media") >= 0 && events.indexOf("early_media") < events.indexOf("webhook")
                    && events.indexOf("webhook") < events.indexOf("in-progress"), events.toString());
            List<short[]> frames = new java.util.ArrayList<>();
            for (RtpCapture.Packet p : caller.packets().subList(0, heardBeforeAnswer)) {
                short[] pcm = new short[160];
                G711.decodeUlaw(p.payload(), 0, 160, pcm, 0);
                frames.add(pcm);
            }
            return frames;
        }
    }

    private static short[] block(List<short[]> frames, int first) {
        short[] out = new short[640];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(frames.get(first + i), 0, out, 160 * i, 160);
        }
        return out;
    }

    /** A second of 1 kHz at half scale, 8 kHz PCM WAV: an early-media clip here, a hold clip in AgentConsultE2eTest. */
    static byte[] wav1k() {
        int n = 8000;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + 2 * n).putInt(0x45564157).putInt(0x20746d66).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(8000).putInt(16000).putShort((short) 2).putShort((short) 16)
                .putInt(0x61746164).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            b.putShort((short) Math.round(16384 * Math.sin(2 * Math.PI * 1000 * i / 8000.0)));
        }
        return b.array();
    }
}
