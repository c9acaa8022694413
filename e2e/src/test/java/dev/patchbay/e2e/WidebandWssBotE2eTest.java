package dev.patchbay.e2e;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallState;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 19 §3, 16 kHz end to end through the WSS bridge: a SIPp caller offering G.722 calls a WebSocket bot of
 * each dialect that carries L16 at 16 kHz (jambonz's {@code listen} and Plivo at {@code sample_rate} 16000, Twilio
 * with its {@code audioFormat} opt-in), and the bot echoes what it hears in its own dialect's messages. A 6 kHz
 * tone, which any 8 kHz step would remove, comes back as strong as the 1 kHz one beside it. The G.722 is FFmpeg's
 * both ways.
 */
@ExtendWith(GatewayFixture.class)
class WidebandWssBotE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static BotServer bots;

    @BeforeAll
    static void start(Gateway gw) {
        bots = new BotServer();
        gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_wide', 'Wideband', TRUE, CURRENT_TIMESTAMP)");
        for (String dialect : List.of("jambonz", "plivo", "twilio")) {
            // Twilio carries 8 kHz only unless the bot opts in; the others carry L16 at the bot's sample rate.
            String rate = dialect.equals("twilio") ? "8000" : "16000";
            String params = dialect.equals("twilio") ? "'{\"audioFormat\":\"audio/l16;rate=16000\"}'" : "NULL";
            gw.sql("INSERT INTO bots (id, workspace_id, name, kind, url, dialect, sample_rate, custom_parameters, created_at)"
                            + " VALUES ('bot_" + dialect + "', 'ws_wide', '" + dialect + "', 'wss', '" + bots.url() + "', '" + dialect
                            + "', " + rate + ", " + params + ", CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_" + dialect
                            + "', 'ws_wide', 'wide-" + dialect + "', 'bot_" + dialect + "', CURRENT_TIMESTAMP)");
        }
    }

    @AfterAll
    static void stop() {
        if (bots != null) {
            bots.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jambonz", "plivo", "twilio"})
    void aG722CallerHearsBothTonesBackFromA16KhzBot(String dialect, Gateway gw) throws Exception {
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Path dir = Sipp.workDir();
            byte[] source = WidebandAudio.twoTonesG722(dir, 2);
            Process sipp = Sipp.start(dir, List.of("-sf", Path.of("src/test/resources/sipp/echo_check_g722.xml").toAbsolutePath()
                            .toString(), "127.0.0.1:" + gw.sipPort, "-s", "wide-" + dialect, "-m", "1", "-d", "6000",
                    "-key", "rtpport", Integer.toString(rtp.getLocalPort()), "-i", "127.0.0.1",
                    "-p", Integer.toString(SippPorts.freePort()), "-mp", Integer.toString(SippPorts.freeEvenPort())));
            BotServer.Conn bot = bots.next(WAIT);
            AtomicReference<Throwable> botFailure = new AtomicReference<>();
            Thread echo = Thread.ofVirtual().start(() -> echo(dialect, bot, botFailure));
            try {
                Await.until(() -> gw.media.calls().active().stream().anyMatch(c -> c.state() instanceof CallState.Confirmed),
                        WAIT, "the G.722 call to be established");
                Call call = gw.media.calls().active().get(0);
                assertEquals("G722", call.negotiated().audio().encoding(), "G.722 is preferred over the PCMU offered first");
                InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), call.media().localPort());

                skipWhatCameBeforeTheTones(rtp);
                WidebandAudio.assertTwoTonesEchoed(rtp, target, source, dir);
                Sipp.Result r = Sipp.await(sipp, dir);
                assertEquals(0, r.exitCode(), r.output());
                Await.until(() -> gw.media.calls().activeCalls() == 0, WAIT, "the call to be torn down");
            } catch (AssertionError e) {
                if (botFailure.get() != null) {
                    e.addSuppressed(botFailure.get());
                }
                throw e;
            } finally {
                echo.interrupt();
                echo.join();
            }
        }
    }

    /** Silence the media-plane sent while the bot connected sits in the socket; reads until a 20 ms slot is empty. */
    private static void skipWhatCameBeforeTheTones(DatagramSocket rtp) throws Exception {
        byte[] buf = new byte[2048];
        rtp.setSoTimeout(15);
        try {
            while (true) {
                rtp.receive(new DatagramPacket(buf, buf.length));
            }
        } catch (SocketTimeoutException emptied) {
            // the next packet is one sent from now on
        }
    }

    /** The bot: checks its dialect announced 16 kHz L16, then sends every caller frame back as that dialect's play. */
    private static void echo(String dialect, BotServer.Conn bot, AtomicReference<Throwable> failure) {
        String streamSid = null;
        try {
            while (true) {
                Object m = bot.next(Duration.ofMinutes(1));
                if (m instanceof byte[] l16) { // jambonz: binary L16 both ways
                    bot.send(l16);
                } else if (m instanceof String text) {
                    JsonNode msg = JSON.readTree(text);
                    String event = msg.path("event").asText();
                    if (dialect.equals("jambonz") && msg.has("sampleRate")) {
                        check(msg.get("sampleRate").asInt() == 16000, "jambonz's first frame asks for 16000: " + text);
                    } else if (event.equals("start")) {
                        JsonNode format = msg.at("/start/mediaFormat").isMissingNode() ? msg.path("mediaFormat") : msg.at("/start/mediaFormat");
                        check(format.path("sampleRate").asInt() == 16000 && format.path("encoding").asText().toLowerCase().contains("l16"),
                                dialect + "'s start announces L16 at 16 kHz: " + text);
                        streamSid = msg.path("streamSid").asText(null);
                    } else if (event.equals("media")) {
                        bot.send(play(dialect, streamSid, msg.at("/media/payload").asText()));
                    }
                } else if (m instanceof BotServer.Closed) {
                    return;
                }
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (Exception | AssertionError e) {
            failure.set(e);
        }
    }

    private static String play(String dialect, String streamSid, String payload) {
        ObjectNode m = JSON.createObjectNode();
        if (dialect.equals("plivo")) {
            m.put("event", "playAudio").putObject("media").put("contentType", "audio/x-l16").put("sampleRate", 16000)
                    .put("payload", payload);
        } else {
            m.put("event", "media").put("streamSid", streamSid).putObject("media").put("payload", payload);
        }
        return m.toString();
    }

    /** A failed check stops the echo, so the caller hears nothing; the test's failure then carries this one. */
    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
