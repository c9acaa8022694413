package dev.patchbay.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.schema.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 004 end to end with real parts: the contact centre creates a call transfer over REST, SIPp plays
 * its SBC and sends the call with X-ASAPP-CallTransferId, a real WebSocket bot hears the inputContext in
 * Twilio's start and returns an outputContext; the call goes back by REFER (Refer-To checked by SIPp), BYE,
 * or INVITE (a second leg to a SIPp agent that demands digest credentials, bridged to the caller while the
 * bot listens on), and GET shows the transfer COMPLETED with the bot's outputContext.
 */
class AsappCallTransferE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String RETURN_URI = "sip:agent@customer-sbc.example.com;User-to-User=UUI-12345;x=1";
    private static final String OUTPUT = "{\"transferType\":\"AGENT\",\"currentTaskName\":\"AccountInquiry\","
            + "\"referenceVariables\":{\"account_balance\":\"1250.00\"},\"transferVariables\":{\"priority\":\"high\"}}";

    private static Gateway gw;
    private static BotServer bot;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        bot = new BotServer();
        // The destination URI's user part is the transfer id, not a DID: the configured bot takes the call.
        gw = new Gateway(Map.of("patchbay.asapp.bot", "bot_asapp",
                "patchbay.asapp.sip-uri-template", "sip:{id}@127.0.0.1"));
        key = gw.workspaceWithKey("ws_x", true);
        gw.sql("INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_asapp', 'ws_x', 'GA', "
                + "'wss', '" + bot.url() + "', CURRENT_TIMESTAMP)",
                // Transferred INVITEs must pass an inbound trunk: the contact centre's network is loopback here.
                "INSERT INTO trunks (id, workspace_id, name, direction, allowed_cidrs, created_at) VALUES ('tr_asapp', 'ws_x',"
                        + " 'ASAPP', 'inbound', '127.0.0.1/32', CURRENT_TIMESTAMP)");
        gw.awaitConnected(WAIT);
    }

    @AfterAll
    static void stop() {
        gw.close();
        bot.close();
    }

    private static HttpResponse<String> asapp(String method, String path, String body) {
        // Seed 004: asapp-api-id is the API key's id, asapp-api-secret its secret.
        int dot = key.indexOf('.');
        return gw.http(method, path, null, body, "asapp-api-id", key.substring(0, dot), "asapp-api-secret", key.substring(dot + 1));
    }

    private static JsonNode create(String id, String conversation, String sip) throws Exception {
        HttpResponse<String> r = asapp("POST", "/generativeagent/v1/call-transfers", "{\"id\":\"" + id
                + "\",\"externalConversationId\":\"" + conversation + "\",\"type\":\"SIP\",\"sip\":" + sip
                + ",\"inputContext\":{\"taskName\":\"call_routing\",\"inputVariables\":{\"accountNumber\":\"3434\"}}}");
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode get(String id) {
        try {
            return JSON.readTree(asapp("GET", "/generativeagent/v1/call-transfers/" + id, null).body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Process sipp(Path dir, String scenario, String transferId) throws Exception {
        return Sipp.start(dir, List.of("-sf", Path.of("src/test/resources/sipp/" + scenario).toAbsolutePath().toString(),
                "127.0.0.1:" + gw.sipPort, "-s", transferId, "-key", "transfer", transferId, "-m", "1", "-i", "127.0.0.1",
                "-p", Integer.toString(Ports.freeUdpAndTcp()), "-mp", Integer.toString(Ports.rtpBase(2)), "-trace_msg"));
    }

    /** The start message's customParameters, after the connected message. */
    /** The bot connection of the call for {@code transferId}, skipping any an earlier test's call left queued. */
    private static BotServer.Conn connFor(String transferId) throws Exception {
        for (int i = 0; i < 5; i++) {
            BotServer.Conn c = bot.next(WAIT);
            if (transferId.equals(startParameters(c).path("asapp.callTransferId").asText())) {
                return c;
            }
        }
        throw new AssertionError("no bot connection for transfer " + transferId);
    }

    private static JsonNode startParameters(BotServer.Conn conn) throws Exception {
        JsonNode start = JSON.readTree(conn.next(String.class, m -> m.contains("\"start\""), WAIT));
        return start.get("start").get("customParameters");
    }

    private static void assertSipp(Process p, Path dir) throws Exception {
        Sipp.Result r = Sipp.await(p, dir);
        StringBuilder trace = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.getFileName().toString().endsWith("_messages.log")).toList()) {
                trace.append('\n').append(Files.readString(f));
            }
        }
        assertEquals(0, r.exitCode(), r.output() + trace);
    }

    @Test
    void aReconnectedConversationHearsItsEarlierContextAndReturnsByReferToTheExactUri() throws Exception {
        // Leg 1: BYE return. The bot sees the inputContext and hands back an outputContext.
        JsonNode first = create("tr-leg1", "conv-42", "{\"returnTransferType\":\"BYE\"}");
        assertEquals("sip:tr-leg1@127.0.0.1", first.get("sip").get("destinationURI").asText());
        Path dir1 = Sipp.workDir();
        Process leg1 = sipp(dir1, "uac_asapp_bye.xml", "tr-leg1");
        try {
            BotServer.Conn conn = bot.next(WAIT);
            JsonNode params = startParameters(conn);
            assertEquals("tr-leg1", params.get("asapp.callTransferId").asText());
            assertEquals("call_routing", params.get("asapp.taskName").asText());
            assertEquals(JSON.readTree("{\"accountNumber\":\"3434\"}"), JSON.readTree(params.get("asapp.inputVariables").asText()));
            assertFalse(params.has("asapp.previousContext"), "the first leg has no earlier context");
            JsonNode ongoing = get("tr-leg1");
            assertEquals("ONGOING", ongoing.get("status").asText());
            assertTrue(ongoing.has("callReceivedAt"), ongoing.toString());
            conn.send("{\"event\":\"return\",\"return\":" + OUTPUT + "}");
            assertSipp(leg1, dir1);
        } finally {
            leg1.destroyForcibly();
        }
        JsonNode done1 = get("tr-leg1");
        assertEquals("COMPLETED", done1.get("status").asText());
        assertEquals(JSON.readTree(OUTPUT), done1.get("outputContext"));

        // Leg 2: the same conversation again, returned by REFER to a URI with parameters.
        JsonNode second = create("tr-leg2", "conv-42", "{\"returnURI\":\"" + RETURN_URI + "\",\"returnTransferType\":\"REFER\"}");
        assertEquals(RETURN_URI, second.get("sip").get("returnURI").asText());
        Path dir2 = Sipp.workDir();
        Process leg2 = sipp(dir2, "uac_asapp_refer.xml", "tr-leg2");
        try {
            BotServer.Conn conn = bot.next(WAIT);
            JsonNode params = startParameters(conn);
            assertEquals("tr-leg2", params.get("asapp.callTransferId").asText());
            assertEquals(JSON.readTree(OUTPUT), JSON.readTree(params.get("asapp.previousContext").asText()),
                    "a reconnect hands the bot the earlier leg's outputContext");
            conn.send("{\"event\":\"return\",\"return\":" + OUTPUT.replace("AGENT", "SYSTEM") + "}");
            assertSipp(leg2, dir2);
        } finally {
            leg2.destroyForcibly();
        }
        JsonNode done2 = get("tr-leg2");
        assertEquals("COMPLETED", done2.get("status").asText(), done2.toString());
        assertEquals("SYSTEM", done2.get("outputContext").get("transferType").asText());
        assertTrue(done2.has("completedAt") && done2.has("callReceivedAt"), done2.toString());
        String callId = callOf("tr-leg2");
        Await.until(() -> gw.eventTypes(callId).contains("transfer-result"), WAIT, "the REFER's final NOTIFY");
    }

    @Test
    void aCallerWhoHangsUpCompletesTheTransferWithoutOutputContext() throws Exception {
        create("tr-hangup", "conv-7", "{\"returnTransferType\":\"BYE\"}");
        Path dir = Sipp.workDir();
        Process caller = sipp(dir, "uac_asapp_hangup.xml", "tr-hangup");
        try {
            BotServer.Conn conn = bot.next(WAIT);
            assertEquals("tr-hangup", startParameters(conn).get("asapp.callTransferId").asText());
            assertSipp(caller, dir);
        } finally {
            caller.destroyForcibly();
        }
        Await.until(() -> "COMPLETED".equals(get("tr-hangup").get("status").asText()), WAIT, "the transfer to complete");
        JsonNode t = get("tr-hangup");
        assertFalse(t.has("outputContext"), t.toString());
        assertTrue(t.has("completedAt"), t.toString());
        HttpResponse<String> late = gw.http("POST", "/v1/calls/" + callOf("tr-hangup") + "/return", key, OUTPUT);
        assertEquals(409, late.statusCode(), "an ended call has nothing to return: " + late.body());
    }

    @Test
    void anUnknownTransferIdIsRefusedWith404AndAUsedOneToo() throws Exception {
        Path dir = Sipp.workDir();
        Process unknown = sipp(dir, "uac_asapp_404.xml", "tr-nobody");
        try {
            assertSipp(unknown, dir);
        } finally {
            unknown.destroyForcibly();
        }
        assertTrue(rejectionReasons().stream().anyMatch(r -> r.contains("no ASAPP call transfer 'tr-nobody'")),
                rejectionReasons().toString());
    }

    @Test
    void theBotCanReturnOverRestToo() throws Exception {
        create("tr-rest", "conv-9", "{\"returnTransferType\":\"BYE\"}");
        Path dir = Sipp.workDir();
        Process caller = sipp(dir, "uac_asapp_bye.xml", "tr-rest");
        try {
            startParameters(bot.next(WAIT));
            String callId = callOf("tr-rest");
            HttpResponse<String> bad = gw.http("POST", "/v1/calls/" + callId + "/return", key, "{\"transferType\":\"HUMAN\"}");
            assertEquals(422, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("\"transferType\""), bad.body());
            HttpResponse<String> ok = gw.http("POST", "/v1/calls/" + callId + "/return", key, OUTPUT);
            assertEquals(202, ok.statusCode(), ok.body());
            assertEquals("BYE", JSON.readTree(ok.body()).get("returnTransferType").asText());
            assertSipp(caller, dir);
        } finally {
            caller.destroyForcibly();
        }
        assertEquals(JSON.readTree(OUTPUT), get("tr-rest").get("outputContext"));
        // The used id is refused at SIP level like an unknown one.
        Path again = Sipp.workDir();
        Process reuse = sipp(again, "uac_asapp_404.xml", "tr-rest");
        try {
            assertSipp(reuse, again);
        } finally {
            reuse.destroyForcibly();
        }
    }

    @Test
    void anInviteReturnBridgesTheCallerToTheAgentThroughDigestWhileTheBotListensUntilTheAgentHangsUp() throws Exception {
        int agentPort = Ports.freeUdpAndTcp();
        String returnUri = "sip:agent@127.0.0.1:" + agentPort + ";User-to-User=UUI-12345;x=1";
        create("tr-inv", "conv-inv", "{\"returnURI\":\"" + returnUri + "\",\"returnTransferType\":\"INVITE\","
                + "\"returnInviteAuthentication\":{\"username\":\"agent\",\"password\":\"s3cret\"}}");
        Path agentDir = Sipp.workDir();
        // The agent answers the authenticated INVITE, echoes the RTP it gets, and hangs up after 5 s.
        Process agent = Sipp.start(agentDir, List.of("-sf", Path.of("src/test/resources/sipp/uas_asapp_return.xml")
                .toAbsolutePath().toString(), "-i", "127.0.0.1", "-p", Integer.toString(agentPort), "-mp",
                Integer.toString(Ports.rtpBase(2)), "-rtp_echo", "-m", "1", "-d", "5000", "-trace_msg"));
        Path dir = Sipp.workDir();
        java.util.concurrent.ScheduledExecutorService pacer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (java.net.DatagramSocket rtp = new java.net.DatagramSocket(new java.net.InetSocketAddress(
                java.net.InetAddress.getLoopbackAddress(), 0))) {
            Process caller = Sipp.start(dir, List.of("-sf", Path.of("src/test/resources/sipp/uac_asapp_invite.xml")
                    .toAbsolutePath().toString(), "127.0.0.1:" + gw.sipPort, "-s", "tr-inv", "-key", "transfer", "tr-inv",
                    "-key", "rtpport", Integer.toString(rtp.getLocalPort()), "-m", "1", "-i", "127.0.0.1",
                    "-p", Integer.toString(Ports.freeUdpAndTcp()), "-mp", Integer.toString(Ports.rtpBase(2)), "-trace_msg"));
            try {
                BotServer.Conn conn = bot.next(WAIT);
                assertEquals("tr-inv", startParameters(conn).get("asapp.callTransferId").asText());
                String callId = callOf("tr-inv");
                var media = gw.media.calls().byId(callId).orElseThrow().media();
                var gateway = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), media.localPort());
                // The caller talks: 50 distinct 20 ms frames, round and round. mu-law survives the PCM bridge
                // bit-exact but for 0x7F (negative zero), which is kept out.
                byte[] voice = new byte[50 * 160];
                for (int i = 0; i < voice.length; i++) {
                    byte b = (byte) (i * 7 + i / 160);
                    voice[i] = b == 0x7F || b == (byte) 0xFF ? 0x7E : b;
                }
                java.util.concurrent.atomic.AtomicInteger seq = new java.util.concurrent.atomic.AtomicInteger();
                pacer.scheduleAtFixedRate(() -> {
                    int n = seq.getAndIncrement();
                    byte[] packet = dev.patchbay.media.testutil.RtpPackets.pcmu(n, 0x22, voice, (n % 50) * 160, 160);
                    try {
                        rtp.send(new java.net.DatagramPacket(packet, packet.length, gateway));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, 0, 20, java.util.concurrent.TimeUnit.MILLISECONDS);
                conn.send("{\"event\":\"return\",\"return\":" + OUTPUT + "}");
                Await.until(() -> gw.eventTypes(callId).contains("bridge-answered"), WAIT, "the agent to answer the INVITE return");
                JsonNode done = get("tr-inv");
                assertEquals("COMPLETED", done.get("status").asText(), done.toString());
                assertEquals(JSON.readTree(OUTPUT), done.get("outputContext"));

                // The caller hears the agent: its own voice, echoed by the agent and carried back by the bridge.
                byte[] heard = dev.patchbay.media.testutil.VoicedRtp.receive(rtp, 40, 3000).payload();
                // Bit-exact, at any sample offset: two jitter buffers and the agent's echo need not keep our
                // 20 ms frame boundaries.
                byte[] twice = new byte[voice.length * 2];
                System.arraycopy(voice, 0, twice, 0, voice.length);
                System.arraycopy(voice, 0, twice, voice.length, voice.length);
                int echoed = 0;
                StringBuilder which = new StringBuilder();
                for (int f = 0; f < 40; f++) {
                    int match = -1;
                    for (int at = 0; at < voice.length && match < 0; at++) {
                        if (java.util.Arrays.equals(heard, f * 160, f * 160 + 160, twice, at, at + 160)) {
                            match = at;
                        }
                    }
                    echoed += match >= 0 ? 1 : 0;
                    which.append(match).append(' ');
                }
                assertTrue(echoed >= 30, "only " + echoed + " of 40 frames the caller heard were its own voice via the agent: " + which);

                // The bot, listen-only, still hears the caller after the bridge.
                conn.received.clear();
                conn.next(String.class, m -> m.contains("\"media\"") && !m.contains("\"payload\":\"////"), WAIT);
                assertSipp(agent, agentDir);
                assertSipp(caller, dir);
            } finally {
                caller.destroyForcibly();
            }
        } finally {
            pacer.shutdownNow();
            agent.destroyForcibly();
        }
        String callId = callOf("tr-inv");
        // The agent's leg ends first (its BYE) and takes the caller's with it.
        Await.until(() -> gw.media.calls().byId(callId).isEmpty(), WAIT, "both legs to end");
        List<String> events = gw.eventTypes(callId);
        assertTrue(events.containsAll(List.of("asapp-completed", "bridge-requested", "bridge-answered")), events.toString());
        Await.until(() -> "bridge_ended".equals(hangupCause(callId)), WAIT,
                "the caller's leg to end because the agent hung up");
    }

    @Test
    void aBusyAgentLeavesTheCallerWithTheBotWhichThenHangsUp() throws Exception {
        int agentPort = Ports.freeUdpAndTcp();
        create("tr-busy", "conv-busy", "{\"returnURI\":\"sip:agent@127.0.0.1:" + agentPort + "\","
                + "\"returnTransferType\":\"INVITE\"}");
        Path agentDir = Sipp.workDir();
        Process agent = Sipp.start(agentDir, List.of("-sf", Path.of("src/test/resources/sipp/uas_busy.xml")
                .toAbsolutePath().toString(), "-i", "127.0.0.1", "-p", Integer.toString(agentPort), "-m", "1"));
        Path dir = Sipp.workDir();
        Process caller = sipp(dir, "uac_asapp_bye.xml", "tr-busy");
        try {
            BotServer.Conn conn = connFor("tr-busy");
            String callId = callOf("tr-busy");
            conn.send("{\"event\":\"return\",\"return\":" + OUTPUT + "}");
            Await.until(() -> gw.eventTypes(callId).contains("bridge-failed"), WAIT, "the busy agent's 486 to be reported");
            assertSipp(agent, agentDir);
            assertEquals("COMPLETED", get("tr-busy").get("status").asText());
            var call = gw.media.calls().byId(callId).orElseThrow(() -> new AssertionError("the caller was dropped"));
            assertFalse(call.listenOnly(), "the bot is heard again: it must tell the caller");
            HttpResponse<String> hangup = gw.http("POST", "/v1/calls/" + callId + "/hangup", key, "{}");
            assertTrue(hangup.statusCode() < 300, hangup.body());
            assertSipp(caller, dir);
        } finally {
            caller.destroyForcibly();
            agent.destroyForcibly();
        }
    }

    private static String callOf(String transferId) throws Exception {
        try (Connection c = DriverManager.getConnection(gw.db.url(), TestDb.USER, TestDb.PASSWORD);
             PreparedStatement s = c.prepareStatement("SELECT call_id FROM call_transfers WHERE id = ?")) {
            s.setString(1, transferId);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "transfer " + transferId + " exists");
                return r.getString(1);
            }
        }
    }

    private static String hangupCause(String callId) {
        try (Connection c = DriverManager.getConnection(gw.db.url(), TestDb.USER, TestDb.PASSWORD);
             PreparedStatement s = c.prepareStatement("SELECT hangup_cause FROM calls WHERE id = ?")) {
            s.setString(1, callId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> rejectionReasons() throws Exception {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(gw.db.url(), TestDb.USER, TestDb.PASSWORD);
             PreparedStatement s = c.prepareStatement("SELECT reason FROM calls WHERE status = 'rejected'");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }
}
