package dev.patchbay.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19's "completes by REFER/Replaces", through the whole gateway: an inbound SIPp caller that takes
 * replaces reaches a Twilio-dialect bot, which consults a SIPp target with the extension message and then
 * completes it. The caller follows the REFER with an INVITE carrying the Replaces to the target, which
 * accepts it only if it names its consult dialog and then hangs up Patchbay's leg. The caller's record
 * says it was transferred by refer_replaces; both records end.
 */
@ExtendWith(GatewayFixture.class)
class AttendedTransferReplacesE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SCENARIOS = Path.of("../media-plane/src/test/resources/sipp").toAbsolutePath();

    @Test
    void aBotsConsultCompletedByReferReplacesLeavesCallerAndTargetTalkingWithoutPatchbay(Gateway gw) throws Exception {
        int targetPort = Ports.freeUdpAndTcp();
        Path targetDir = Sipp.workDir();
        Path callerDir = Sipp.workDir();
        try (BotServer bot = new BotServer()) {
            gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_xfer_rep', 'R', TRUE, CURRENT_TIMESTAMP)",
                    "INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_xfer_rep', 'ws_xfer_rep',"
                            + " 'Twilio bot', 'wss', '" + bot.url() + "', CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_xfer_rep', 'ws_xfer_rep',"
                            + " 'consult', 'bot_xfer_rep', CURRENT_TIMESTAMP)");
            Process target = Sipp.start(targetDir, List.of("-sf", SCENARIOS.resolve("uas-consult-replaced.xml").toString(),
                    "-i", "127.0.0.1", "-p", Integer.toString(targetPort), "-m", "2", "-key", "rtp_port",
                    Integer.toString(Ports.freeUdpAndTcp()), "-key", "direct_rtp_port", Integer.toString(Ports.freeUdpAndTcp()),
                    "-trace_msg"));
            Process caller = Sipp.start(callerDir, List.of("-sf", SCENARIOS.resolve("uac-consult-replacing.xml").toString(),
                    "-s", "consult", "-i", "127.0.0.1", "-p", Integer.toString(Ports.freeUdpAndTcp()), "-m", "1", "-d", "1000",
                    "-key", "rtp_port", Integer.toString(Ports.freeUdpAndTcp()), "-key", "direct_rtp_port",
                    Integer.toString(Ports.freeUdpAndTcp()), "-trace_msg", "127.0.0.1:" + gw.sipPort));
            try {
                BotServer.Conn conn = bot.next(WAIT);
                JsonNode start = JSON.readTree(conn.next(String.class, m -> m.contains("\"start\""), WAIT));
                String id = start.get("start").get("callSid").asText();
                conn.send("{\"event\":\"consult\",\"consult\":{\"action\":\"start\",\"to\":\"sip:agent@127.0.0.1:"
                        + targetPort + "\"}}");
                Await.until(() -> gw.eventTypes(id).contains("consult-answered"), WAIT, "the target to answer the consult");
                String leg = gw.sqlValue("SELECT detail FROM call_events WHERE call_id = '" + id
                        + "' AND type = 'consult-requested'").split(" ")[0];
                conn.send("{\"event\":\"consult\",\"consult\":{\"action\":\"complete\"}}");

                Await.until(() -> gw.eventTypes(id).contains("consult-complete-result"), WAIT, "the completion's outcome");
                assertEquals("refer_replaces", gw.sqlValue("SELECT detail FROM call_events WHERE call_id = '" + id
                        + "' AND type = 'consult-complete-result'"), gw.eventTypes(id).toString());
                assertTrue(gw.sqlValue("SELECT detail FROM call_events WHERE call_id = '" + id + "' AND type = 'consult-completed'")
                        .startsWith(leg + " by refer_replaces"), gw.eventTypes(id).toString());
                Await.until(() -> ended(gw, id) && ended(gw, leg), WAIT, "both records to end");
                assertEquals("transferred", gw.sqlValue("SELECT hangup_cause FROM calls WHERE id = '" + id + "'"));
                Sipp.Result t = Sipp.await(target, targetDir);
                assertEquals(0, t.exitCode(), "the target took the INVITE with Replaces for its consult dialog: " + t.output());
                Sipp.Result c = Sipp.await(caller, callerDir);
                assertEquals(0, c.exitCode(), "the caller followed the REFER and talked with the target: " + c.output());
            } finally {
                target.destroyForcibly();
                caller.destroyForcibly();
            }
        }
    }

    private static boolean ended(Gateway gw, String id) {
        return gw.sqlValue("SELECT ended_at FROM calls WHERE id = '" + id + "'") != null;
    }
}
