package dev.patchbay.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.media.testutil.TonePeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent's attended transfer (issue 19) through the agents' API: its call to a SIPp far end consults a
 * second number over the same trunk (the same SIPp answers both), completes by media bridge and hangs up.
 * The consult leg is a call the agent pays for: held from the wallet before its INVITE, billed at its rate
 * when it ends; on a private call its From is anonymous, as the call's own is. The held far end hears the hold
 * clip the agent chose from the clip folder.
 */
class AgentConsultE2eTest {

    /** The clip folder, with the hold clip {@code hold.wav}: a 1 kHz tone. */
    private static final Path CLIPS = clips();
    @RegisterExtension
    static final GatewayFixture GATEWAY = new GatewayFixture(Map.of("patchbay.control.early-media.clips", CLIPS.toString()));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** A -6 dBFS tone in every other frame gives about 0.02; silence well under 0.0005. */
    private static final double HALF_HEARD = 0.002;
    /** Answers with PCMU, then takes a BYE; run with -m 2, it is both the agent's far end and the consulted number. */
    private static final Path ANSWER_THEN_BYE = Path.of("../media-plane/src/test/resources/sipp/uas-consult-target.xml")
            .toAbsolutePath();

    @Test
    void anAgentsPrivateCallConsultsCompletesByBridgeAndPaysForBothLegs(Gateway gw) throws Exception {
        String key = gw.workspaceWithKey("ws_agent_consult", true);
        int port = Ports.freeUdpAndTcp();
        gw.trunk("ws_agent_consult", port);
        Path dir = Sipp.workDir();
        // Both legs' RTP comes here: the agent's far end and the consulted number are the one SIPp.
        TonePeer farRtp = new TonePeer();
        Process far = Sipp.start(dir, List.of("-sf", ANSWER_THEN_BYE.toString(), "-i", "127.0.0.1", "-p",
                Integer.toString(port), "-m", "2", "-key", "rtp_port", Integer.toString(farRtp.port()), "-trace_msg",
                "-message_file", dir.resolve("messages.log").toString()));
        try (farRtp) {
            JsonNode session = call(gw, key, "POST", "/api/v1/sessions/create", "{\"session_type\":\"authenticated\","
                    + "\"user_consent\":{\"calling_authorized\":true,\"privacy_mode\":true,\"currency\":\"USD\"}}");
            String sid = session.get("session_id").asText();
            gw.grant("ws_agent_consult", sid, "2.00", "consult-grant");
            JsonNode placed = call(gw, key, "POST", "/api/v1/calls/initiate", "{\"session_id\":\"" + sid + "\","
                    + "\"to_number\":\"+14155551234\",\"from_number\":\"+12025551000\",\"call_settings\":{\"max_duration\":120}}");
            assertEquals(201, placed.get("_status").asInt(), placed.toString());
            String id = placed.get("call_id").asText();
            Await.until(() -> "in-progress".equals(status(gw, id)), WAIT, "the far end answers");

            JsonNode consult = call(gw, key, "POST", "/api/v1/calls/" + id + "/actions",
                    "{\"action\":\"consult\",\"parameters\":{\"transfer_to\":\"+14155559999\",\"hold\":\"hold.wav\"}}");
            assertEquals(200, consult.get("_status").asInt(), consult.toString());
            String leg = consult.get("consult_call_id").asText();
            // The leg is the agent's call too: its own row at the target's rate and a reservation bound to it.
            assertEquals(sid, gw.sqlValue("SELECT session_id FROM agent_calls WHERE call_id = '" + leg + "'"));
            assertEquals("125000", gw.sqlValue("SELECT rate_micros FROM agent_calls WHERE call_id = '" + leg + "'"));
            assertEquals("held", gw.sqlValue("SELECT state FROM wallet_reservations WHERE call_id = '" + leg + "'"));
            Await.until(() -> gw.eventTypes(id).contains("consult-answered"), WAIT, "the consulted number to answer");
            // Half the frames here are the held far end's (the clip), half the silent consult leg's.
            Await.until(() -> farRtp.recentPower(1000, 10) > HALF_HEARD, WAIT, "the hold clip at the agent's far end");

            JsonNode done = call(gw, key, "POST", "/api/v1/calls/" + id + "/actions",
                    "{\"action\":\"complete_consult\",\"parameters\":{\"method\":\"media_bridge\"}}");
            assertEquals(200, done.get("_status").asInt(), done.toString());
            assertEquals("media_bridge", done.get("method").asText(), done.toString());

            JsonNode ended = call(gw, key, "DELETE", "/api/v1/calls/" + id, null);
            assertEquals(200, ended.get("_status").asInt(), ended.toString());
            Await.until(() -> gw.sqlValue("SELECT billed_minutes FROM agent_calls WHERE call_id = '" + leg + "'") != null,
                    WAIT, "the consult leg to be billed");
            assertEquals("1", gw.sqlValue("SELECT billed_minutes FROM agent_calls WHERE call_id = '" + leg + "'"));
            assertEquals("125000", gw.sqlValue("SELECT cost_micros FROM agent_calls WHERE call_id = '" + leg + "'"));
            Await.until(() -> gw.sqlValue("SELECT billed_minutes FROM agent_calls WHERE call_id = '" + id + "'") != null,
                    WAIT, "the agent's call to be billed");
            JsonNode balance = call(gw, key, "GET", "/api/v1/wallet/balance?session_id=" + sid, null);
            assertEquals(1.75, balance.get("balance").get("value").asDouble(), "two legs of a minute each: " + balance);
            assertEquals(0, balance.get("reserved").get("value").asInt(), "both reservations are settled: " + balance);

            Sipp.Result r = Sipp.await(far, dir);
            assertEquals(0, r.exitCode(), "both legs answered and hung up: " + r.output());
            String consultFrom = consultInviteFrom(Files.readString(dir.resolve("messages.log")));
            assertTrue(consultFrom.contains("sip:anonymous@anonymous.invalid") && !consultFrom.contains("2025551000"),
                    "a private call's consult INVITE hides the agent's caller ID as its own INVITE does: " + consultFrom);
        } finally {
            far.destroy();
        }
    }

    /** The From of the INVITE to the consulted number, as SIPp received it. */
    private static String consultInviteFrom(String log) {
        Matcher m = Pattern.compile("(?ms)^INVITE sip:\\+14155559999@.*?^From: *([^\\r\\n]+)").matcher(log);
        assertTrue(m.find(), "no INVITE to +14155559999 in\n" + log);
        return m.group(1);
    }

    private static Path clips() {
        try {
            Path dir = Files.createTempDirectory("patchbay-hold-clips");
            Files.write(dir.resolve("hold.wav"), EarlyMediaE2eTest.wav1k());
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode call(Gateway gw, String key, String method, String path, String body) throws Exception {
        HttpResponse<String> r = gw.http(method, path, key, body, "X-Agent-ID", "agent-consult-e2e");
        JsonNode json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("_status", r.statusCode());
        return json;
    }

    private static String status(Gateway gw, String id) {
        return gw.sqlValue("SELECT status FROM calls WHERE id = '" + id + "'");
    }
}
