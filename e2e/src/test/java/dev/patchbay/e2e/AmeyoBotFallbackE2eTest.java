package dev.patchbay.e2e;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code patchbay.ameyo.on-notification-failure: bot} over real SIP: SIPp plays an Ameyo PBX that never
 * sends its BYE, a JDK HttpServer plays Ameyo's REST API, down for the first notification's two attempts
 * (all the outbox makes here). The outbox gives up, the bot gets the call again, its second hand-back
 * notifies Ameyo afresh (delivered now), and the wait for the BYE ends in Patchbay's own.
 */
class AmeyoBotFallbackE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String CRT = "d444-69139d35-vce-daf-3883";

    private static Gateway gw;
    private static BotServer bot;
    private static HttpServer ameyo;
    private static final AtomicInteger ATTEMPTS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        gw = new Gateway(Map.of("patchbay.control.outbox.poll-interval", "200ms",
                "patchbay.control.outbox.initial-backoff", "300ms", "patchbay.control.outbox.max-attempts", "2",
                "patchbay.ameyo.on-notification-failure", "bot", "patchbay.ameyo.sweep-interval", "PT0.2S"));
        bot = new BotServer();
        ameyo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ameyo.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            int status = ATTEMPTS.incrementAndGet() <= 2 ? 503 : 200;
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        ameyo.start();
        String url = "http://127.0.0.1:" + ameyo.getAddress().getPort() + "/notify";
        gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_fb', 'Ameyo', TRUE, CURRENT_TIMESTAMP)",
                "INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_fb', 'ws_fb', 'Ringg', 'wss', '"
                        + bot.url() + "', CURRENT_TIMESTAMP)",
                "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_fb', 'ws_fb', '+919990152090',"
                        + " 'bot_fb', CURRENT_TIMESTAMP)",
                "INSERT INTO ameyo_integrations (workspace_id, allowed_sources, notification_url, authorization_enc, host_header,"
                        + " notification_id, properties, bye_timeout_ms, updated_at) VALUES ('ws_fb', '127.0.0.1', '" + url
                        + "', NULL, NULL, '95', '{}', 1500, CURRENT_TIMESTAMP)");
        gw.awaitConnected(WAIT);
    }

    @AfterAll
    static void stop() {
        ameyo.stop(0);
        bot.close();
        gw.close();
    }

    /** The bot hears the call and hands it back with agent_response; returns the call id. */
    private static String botHandsBack() throws Exception {
        BotServer.Conn conn = bot.next(WAIT);
        JsonNode start = JSON.readTree(conn.next(String.class, m -> m.contains("\"start\""), WAIT)).get("start");
        conn.send("{\"event\":\"agent_response\",\"agent_response\":{\"properties\":{}}}");
        conn.session.close(1000, "bot done");
        return start.get("callSid").asText();
    }

    @Test
    void aNotificationTheOutboxGivesUpOnGivesTheCallBackToItsBot() throws Exception {
        Path dir = Sipp.workDir();
        Process sipp = Sipp.start(dir, List.of("-sf", Path.of("src/test/resources/sipp", "uac_ameyo_nobye.xml").toAbsolutePath()
                        .toString(), "127.0.0.1:" + gw.sipPort, "-s", "4001", "-m", "1", "-d", "0", "-key", "workspace", "ws_fb",
                "-key", "did", "00919990152090", "-key", "crt", CRT, "-i", "127.0.0.1", "-p", Integer.toString(Ports.freeUdpAndTcp()),
                "-mp", Integer.toString(Ports.rtpBase(2))));
        String first = botHandsBack();
        // The outbox gives up after two refusals; the bridge holding the call for Ameyo connects the bot again.
        String second = botHandsBack();
        assertEquals(first, second, "the same call came back to the bot");
        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "Patchbay sent BYE once Ameyo, notified afresh, had not sent its own: " + r.output());
        Await.until(() -> gw.eventTypes(first).contains("completed"), WAIT, "the call record to be completed");
        List<String> events = gw.eventTypes(first);
        assertTrue(events.contains("ameyo-notification-gave-up")
                && events.indexOf("ameyo-notification-gave-up") < events.lastIndexOf("ameyo-notification")
                && events.contains("far-end-bye-timeout"), events.toString());
        assertEquals("2", gw.sqlValue("SELECT COUNT(*) FROM outbox WHERE call_id = '" + first + "'"));
        assertEquals("1", gw.sqlValue("SELECT COUNT(*) FROM outbox WHERE call_id = '" + first + "' AND state = 'delivered'"));
        assertEquals("fired", gw.sqlValue("SELECT state FROM ameyo_bye_timers WHERE call_id = '" + first + "'"));
        assertEquals(3, ATTEMPTS.get(), "two refused attempts of the first notification, one of the second");
    }
}
