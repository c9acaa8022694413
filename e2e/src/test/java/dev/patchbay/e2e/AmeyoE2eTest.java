package dev.patchbay.e2e;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.schema.SecretBox;
import dev.patchbay.schema.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 000 with real parts: SIPp plays Ameyo's PBX (From display "DID|CRT", X-Workspace-ID, no digest),
 * a real WebSocket bot finishes with agent_response and closes, and a JDK HttpServer plays Ameyo's REST
 * API, failing the first notification with 503 so that the retry shows. Patchbay must never send the
 * BYE: SIPp fails on one arriving while it holds the call, and then sends its own.
 */
class AmeyoE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CRT = "d444-69139d35-vce-daf-3883";
    private static final String NOTIFY_PATH = "/ameyorestapi/voice/sendAgentResponseForCallNotification";

    record Notification(Map<String, String> headers, String body, int answered) { }

    private static Gateway gw;
    private static BotServer bot;
    private static HttpServer ameyo;
    /** Per workspace, so that the tests' calls never see each other's notifications. */
    private static final Map<String, BlockingQueue<Notification>> notifications = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<String, java.util.concurrent.atomic.AtomicInteger> ATTEMPTS = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        // Four attempts: a notification refused three times is delivered by the fourth, one always refused fails.
        gw = new Gateway(Map.of("patchbay.control.outbox.poll-interval", "200ms",
                "patchbay.control.outbox.initial-backoff", "300ms", "patchbay.control.outbox.max-attempts", "4"));
        bot = new BotServer();
        ameyo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ameyo.createContext("/", ex -> {
            String workspace = ex.getRequestURI().getPath().split("/")[1];
            BlockingQueue<Notification> queue = notifications.computeIfAbsent(workspace, k -> new LinkedBlockingQueue<>());
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // Ameyo's REST side is briefly unavailable at first: the notification must be retried.
            int attempt = ATTEMPTS.computeIfAbsent(workspace, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            String path = ex.getRequestURI().getPath();
            // "/fail3": down for the first three attempts; "/down": down for good.
            int status = attempt == 1 && path.endsWith(NOTIFY_PATH) || attempt <= 3 && path.endsWith("/fail3")
                    || path.endsWith("/down") ? 503 : 200;
            queue.add(new Notification(headers, body, status));
            byte[] answer = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        ameyo.start();
        String token = new SecretBox(Base64.getDecoder().decode(Gateway.SECRETS_KEY)).seal("ameyo-token-123");
        String url = "http://127.0.0.1:" + ameyo.getAddress().getPort() + "/";
        workspace("ws_ameyo", "+919990152080", "127.0.0.0/8, 10.20.0.0/16", url + "ws_ameyo" + NOTIFY_PATH, token, 30_000);
        workspace("ws_quiet", "+919990152081", "127.0.0.1", url + "ws_quiet/ok", token, 1_500);
        workspace("ws_strict", "+919990152082", "10.9.0.0/16", url + "ws_strict/ok", token, 30_000);
        workspace("ws_takeover", "+919990152084", "127.0.0.1", url + "ws_takeover/ok", token, 30_000);
        workspace("ws_late", "+919990152085", "127.0.0.1", url + "ws_late/ok", token, 30_000);
        workspace("ws_slow", "+919990152086", "127.0.0.1", url + "ws_slow/fail3", token, 1_500);
        workspace("ws_down", "+919990152087", "127.0.0.1", url + "ws_down/down", token, 1_500);
        workspace("ws_relay", "+919990152088", "127.0.0.1", url + "ws_relay/fail3", token, 1_500);
        // Nothing listens on this port: the bot is down.
        workspace("ws_nobot", "+919990152083", "127.0.0.1", url + "ws_nobot/ok", token, 30_000,
                "ws://127.0.0.1:" + Ports.freeUdpAndTcp() + "/bot");
        gw.awaitConnected(WAIT);
    }

    private static void workspace(String id, String did, String sources, String url, String token, int byeTimeoutMs) {
        workspace(id, did, sources, url, token, byeTimeoutMs, bot.url());
    }

    private static void workspace(String id, String did, String sources, String url, String token, int byeTimeoutMs,
                                  String botUrl) {
        gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('" + id + "', 'Ameyo', TRUE, CURRENT_TIMESTAMP)",
                "INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_" + id + "', '" + id
                        + "', 'Ringg', 'wss', '" + botUrl + "', CURRENT_TIMESTAMP)",
                "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_" + id + "', '" + id + "', '"
                        + did + "', 'bot_" + id + "', CURRENT_TIMESTAMP)",
                "INSERT INTO ameyo_integrations (workspace_id, allowed_sources, notification_url, authorization_enc, host_header,"
                        + " notification_id, properties, bye_timeout_ms, updated_at) VALUES ('" + id + "', '" + sources + "', '"
                        + url + "', '" + token + "', 'tenant7.ameyo.example', '95', '{\"campaign\":\"inbound\",\"did\":\"cfg\"}', "
                        + byeTimeoutMs + ", CURRENT_TIMESTAMP)");
    }

    @AfterAll
    static void stop() {
        ameyo.stop(0);
        bot.close();
        gw.close();
    }

    private static List<String> sipp(String scenario, String workspace, String did, int holdMs) {
        return List.of("-sf", Path.of("src/test/resources/sipp", scenario).toAbsolutePath().toString(),
                "127.0.0.1:" + gw.sipPort, "-s", "4001", "-m", "1", "-d", Integer.toString(holdMs),
                "-key", "workspace", workspace, "-key", "did", did, "-key", "crt", CRT,
                "-i", "127.0.0.1", "-p", Integer.toString(Ports.freeUdpAndTcp()), "-mp", Integer.toString(Ports.rtpBase(2)));
    }

    /** The bot hears the call, checks what Ameyo sent it, asks for an agent and closes; returns the call id. */
    private static String botFinishes(String properties) throws Exception {
        BotServer.Conn conn = bot.next(WAIT);
        conn.next(String.class, m -> m.contains("\"connected\""), WAIT);
        JsonNode start = JSON.readTree(conn.next(String.class, m -> m.contains("\"start\""), WAIT)).get("start");
        JsonNode params = start.get("customParameters");
        assertEquals(CRT, params.get("ameyo.crt").asText(), params.toString());
        assertTrue(params.get("ameyo.did").asText().startsWith("+9199901520"), params.toString());
        assertTrue(params.get("ameyo.did_raw").asText().startsWith("009199901520"), params.toString());
        assertNotNull(params.get("sip.X-Workspace-ID"), "every INVITE header reaches the bot: " + params);
        conn.send("{\"event\":\"agent_response\",\"agent_response\":{\"properties\":" + properties + "}}");
        conn.session.close(1000, "bot done");
        return start.get("callSid").asText();
    }

    @Test
    void theBotHandsBackAmeyoIsNotifiedWithRetryAndAmeyoSendsTheBye() throws Exception {
        Path dir = Sipp.workDir();
        // SIPp holds the call 6 s after the ACK: a BYE from Patchbay in that time fails the scenario.
        Process sipp = Sipp.start(dir, sipp("uac_ameyo.xml", "ws_ameyo", "00919990152080", 6000));
        String callSid = botFinishes("{\"did\":\"00919990152080\",\"agent_group\":\"sales\"}");

        BlockingQueue<Notification> received = notifications.computeIfAbsent("ws_ameyo", k -> new LinkedBlockingQueue<>());
        Notification first = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(first, "Ameyo's REST API was called");
        assertEquals(503, first.answered());
        Notification second = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(second, "the notification was retried after the 503");
        assertEquals(200, second.answered());
        for (Notification n : List.of(first, second)) {
            assertEquals("{\"notificationId\":\"95\",\"uniqueId\":\"" + CRT + "\",\"callResponse\":true,\"sessionId\":\"na\","
                    + "\"properties\":{\"campaign\":\"inbound\",\"did\":\"00919990152080\",\"agent_group\":\"sales\"}}", n.body());
            assertEquals("ameyo-token-123", n.headers().get("authorization"));
            assertEquals("tenant7.ameyo.example", n.headers().get("host"));
            assertEquals("token", n.headers().get("policy-name"));
            assertEquals("application/json", n.headers().get("content-type"));
        }

        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "Patchbay sent no BYE and took Ameyo's: " + r.output());
        Await.until(() -> gw.eventTypes(callSid).contains("completed"), WAIT, "the call record to be completed");
        Map<String, String> row = call(callSid);
        assertEquals("caller_bye", row.get("hangup_cause"), row.toString());
        assertEquals(CRT, row.get("ameyo_crt"));
        assertEquals("+919990152080", row.get("ameyo_did"));
        assertEquals("00919990152080", row.get("ameyo_did_raw"));
        List<String> events = gw.eventTypes(callSid);
        assertTrue(events.containsAll(List.of("agent-response", "handed-back", "ameyo-notification")), events.toString());
        assertTrue(!events.contains("hangup") && !events.contains("hangup-requested"), events.toString());
    }

    /**
     * Ameyo's PBX sending an INVITE without SDP (late offer): Patchbay offers in the 200 OK, the answer comes in
     * the ACK, the bot runs and hands back, and Ameyo, not Patchbay, still ends the call.
     */
    @Test
    void aLateOfferIsAnsweredInTheAckAndAmeyoStillSendsTheBye() throws Exception {
        Path dir = Sipp.workDir();
        Process sipp = Sipp.start(dir, sipp("uac_ameyo_late_offer.xml", "ws_late", "00919990152085", 6000));
        String callSid = botFinishes("{}");
        Notification n = notifications.computeIfAbsent("ws_late", k -> new LinkedBlockingQueue<>()).poll(10, TimeUnit.SECONDS);
        assertNotNull(n, "Ameyo's REST API was called");
        assertEquals(200, n.answered());
        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "SIPp found our offer in the 200 OK, Patchbay sent no BYE and took Ameyo's: "
                + r.output());
        Await.until(() -> gw.eventTypes(callSid).contains("completed"), WAIT, "the call record to be completed");
        assertEquals("caller_bye", call(callSid).get("hangup_cause"), call(callSid).toString());
        List<String> events = gw.eventTypes(callSid);
        assertTrue(events.containsAll(List.of("agent-response", "handed-back")), events.toString());
    }

    @Test
    void withoutAmeyosByePatchbayHangsUpAfterTheConfiguredWaitAndSaysWhy() throws Exception {
        Path dir = Sipp.workDir();
        Process sipp = Sipp.start(dir, sipp("uac_ameyo_nobye.xml", "ws_quiet", "00919990152081", 0));
        String callSid = botFinishes("{}");
        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "Patchbay sent BYE once Ameyo's had not come: " + r.output());
        Await.until(() -> gw.eventTypes(callSid).contains("completed"), WAIT, "the call record to be completed");
        assertTrue(gw.eventTypes(callSid).contains("far-end-bye-timeout"), gw.eventTypes(callSid).toString());
        assertTrue(call(callSid).get("reason").startsWith("Ameyo sent no BYE within 1 s"), call(callSid).toString());
    }

    @Test
    void theWaitForAmeyosByeStartsWhenItsNotificationIsDeliveredNotAtTheHandBack() throws Exception {
        Path dir = Sipp.workDir();
        Process sipp = Sipp.start(dir, sipp("uac_ameyo_nobye.xml", "ws_slow", "00919990152086", 0));
        String callSid = botFinishes("{}");
        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "Patchbay sent BYE once Ameyo's had not come: " + r.output());
        Await.until(() -> gw.eventTypes(callSid).contains("completed"), WAIT, "the call record to be completed");
        Instant handedBack = gw.sqlInstant(eventAt(callSid, "handed-back"));
        Instant hungUp = gw.sqlInstant(eventAt(callSid, "far-end-bye-timeout"));
        Instant delivered = gw.sqlInstant("SELECT delivered_at FROM outbox WHERE call_id = '" + callSid + "'");
        assertEquals("4", query("SELECT attempts FROM outbox WHERE call_id = '" + callSid + "'"), "three refusals, then Ameyo took it");
        // 300 + 600 + 1200 ms of retries (+-20 %) outlast the 1.5 s wait: from the hand-back, the caller would
        // have been hung up while the outbox still retried.
        assertTrue(Duration.between(handedBack, delivered).toMillis() > 1_500, handedBack + " -> " + delivered);
        assertFalse(hungUp.isBefore(delivered.plusMillis(1_500)), "hung up " + hungUp + ", delivered " + delivered);
        assertTrue(call(callSid).get("reason").startsWith("Ameyo sent no BYE within 1 s of its notification being delivered"),
                call(callSid).toString());
    }

    @Test
    void aNotificationTheOutboxGivesUpOnHangsTheCallUpAsConfigured() throws Exception {
        Path dir = Sipp.workDir();
        Process sipp = Sipp.start(dir, sipp("uac_ameyo_nobye.xml", "ws_down", "00919990152087", 0));
        String callSid = botFinishes("{}");
        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "Patchbay sent BYE once the notification had failed: " + r.output());
        Await.until(() -> gw.eventTypes(callSid).contains("completed"), WAIT, "the call record to be completed");
        assertTrue(gw.eventTypes(callSid).contains("ameyo-notification-gave-up"), gw.eventTypes(callSid).toString());
        assertEquals("failed", query("SELECT state FROM outbox WHERE call_id = '" + callSid + "'"));
        String reason = call(callSid).get("reason");
        assertTrue(reason.contains("failed for good after 4 attempts (last status 503)")
                && reason.contains("on-notification-failure is hang-up"), reason);
    }

    @Test
    void aTimerWrittenByOneReplicaIsFiredByAnotherOnceTheFirstHasStopped() throws Exception {
        Path dir = Sipp.workDir();
        Process sipp = Sipp.start(dir, sipp("uac_ameyo_nobye.xml", "ws_relay", "00919990152088", 0));
        String callSid = botFinishes("{}");
        Await.until(() -> gw.eventTypes(callSid).contains("ameyo-notification"), WAIT, "the notification to be queued");
        gw.closeControl();
        gw.startControl(Map.of("patchbay.control.replica", "replica-b"));
        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "the second replica sent the BYE once Ameyo's had not come: " + r.output());
        Await.until(() -> gw.eventTypes(callSid).contains("completed"), WAIT, "the call record to be completed");
        assertEquals("replica-b", query("SELECT resolved_by FROM ameyo_bye_timers WHERE call_id = '" + callSid + "'"));
        assertEquals("fired", query("SELECT state FROM ameyo_bye_timers WHERE call_id = '" + callSid + "'"));
        assertEquals(1L, gw.eventTypes(callSid).stream().filter("far-end-bye-timeout"::equals).count(),
                gw.eventTypes(callSid).toString());
    }

    private static String eventAt(String callId, String type) {
        return "SELECT at FROM call_events WHERE call_id = '" + callId + "' AND type = '" + type + "' ORDER BY id LIMIT 1";
    }

    @Test
    void anUnreachableBotHandsTheCallerToAnAgentInsteadOfDroppingThem() throws Exception {
        Path dir = Sipp.workDir();
        Process sipp = Sipp.start(dir, sipp("uac_ameyo.xml", "ws_nobot", "00919990152083", 8000));
        BlockingQueue<Notification> received = notifications.computeIfAbsent("ws_nobot", k -> new LinkedBlockingQueue<>());
        Notification n = received.poll(15, TimeUnit.SECONDS);
        assertNotNull(n, "Ameyo was notified although the bot never answered");
        assertEquals("{\"notificationId\":\"95\",\"uniqueId\":\"" + CRT + "\",\"callResponse\":true,\"sessionId\":\"na\","
                + "\"properties\":{\"campaign\":\"inbound\",\"did\":\"cfg\"}}", n.body());
        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "Patchbay sent no BYE and took Ameyo's: " + r.output());
    }

    @Test
    void aSourceOutsideTheWorkspacesAllowListIsRefusedWith403() throws Exception {
        Sipp.Result r = Sipp.run(Sipp.workDir(), sipp("uac_ameyo_403.xml", "ws_strict", "00919990152082", 0));
        assertEquals(0, r.exitCode(), r.output());
        String reason = query("SELECT reason FROM calls WHERE workspace_id = 'ws_strict'");
        assertEquals("source 127.0.0.1 is not in the Ameyo allow-list of workspace ws_strict", reason);
    }

    @Test
    void aReplicaTakingOverAHandedBackCallHoldsItWithoutCallingTheBotAgain() throws Exception {
        Path dir = Sipp.workDir();
        Process sipp = Sipp.start(dir, sipp("uac_ameyo.xml", "ws_takeover", "00919990152084", 9000));
        String callSid = botFinishes("{}");
        Await.until(() -> gw.eventTypes(callSid).contains("handed-back"), WAIT, "the bot to hand the call back");
        gw.closeControl();
        gw.startControl();
        Await.until(() -> gw.eventTypes(callSid).contains("hold-resumed"), Duration.ofSeconds(20),
                "the restarted control-plane to take the call over");
        assertNull(bot.connections.poll(1, TimeUnit.SECONDS), "the bot, done with the call, is not connected again");
        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "the call stayed up without a BYE from Patchbay until Ameyo's: " + r.output());
        Await.until(() -> gw.eventTypes(callSid).contains("completed"), WAIT, "the call record to be completed");
    }

    @Test
    void aMalformedDisplayIsRefusedWith400NamingTheFault() throws Exception {
        Sipp.Result r = Sipp.run(Sipp.workDir(), sipp("uac_ameyo_400.xml", "ws_ameyo", "0091999015208x", 0));
        assertEquals(0, r.exitCode(), r.output());
        String reason = query("SELECT reason FROM calls WHERE workspace_id = 'ws_ameyo' AND sip_status = 400");
        assertEquals("From display DID '0091999015208x' must be 3 to 20 digits in 00 form", reason);
    }

    private static Map<String, String> call(String id) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(gw.db.url(), TestDb.USER, TestDb.PASSWORD);
             PreparedStatement s = c.prepareStatement("SELECT hangup_cause, reason, ameyo_did, ameyo_did_raw, ameyo_crt "
                     + "FROM calls WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "call " + id + " is stored");
                for (String col : List.of("hangup_cause", "reason", "ameyo_did", "ameyo_did_raw", "ameyo_crt")) {
                    out.put(col, r.getString(col));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static String query(String sql) {
        try (Connection c = DriverManager.getConnection(gw.db.url(), TestDb.USER, TestDb.PASSWORD);
             ResultSet r = c.createStatement().executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
