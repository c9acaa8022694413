package dev.patchbay.e2e;

import java.net.http.HttpResponse;
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
 * Attended transfer through the provider API (issue 19): a placed call's far end (SIPp) is the caller, a
 * second SIPp the consult target. The consult leg is its own call record in the caller's workspace, its bot
 * stream a second connection to the caller's bot; complete by media bridge, or cancel and hang up. Both
 * records are finished afterwards, and the caller's consult-<step> events name the leg.
 */
@ExtendWith(GatewayFixture.class)
class AttendedTransferApiE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Answers with PCMU, then takes a BYE: the caller's far end in every test, the target when cancelled. */
    private static final Path ANSWER_THEN_BYE = Path.of("../media-plane/src/test/resources/sipp/uas-consult-target.xml")
            .toAbsolutePath();

    @Test
    void aConsultCompletedByMediaBridgeJoinsCallerAndTargetAndFinishesBothRecords(Gateway gw) throws Exception {
        completedByBridge(gw, "ws_xfer_bridge", (key, id, target, bot, conn) -> {
            String leg = consultAnswered(gw, key, id, target, bot);
            HttpResponse<String> unknown = gw.http("POST", "/v1/calls/" + id + "/consult/complete", key, "{\"method\":\"blind\"}");
            assertEquals(422, unknown.statusCode(), unknown.body());
            assertEquals("method", JSON.readTree(unknown.body()).get("errors").get(0).get("field").asText(), unknown.body());
            HttpResponse<String> complete = gw.http("POST", "/v1/calls/" + id + "/consult/complete", key,
                    "{\"method\":\"media_bridge\"}");
            assertEquals(200, complete.statusCode(), complete.body());
            assertEquals("media_bridge", JSON.readTree(complete.body()).get("method").asText(), complete.body());
            return leg;
        });
    }

    @Test
    void aCancelledConsultHangsUpTheTargetAndReturnsTheCallerWhoseEndIsThenRecorded(Gateway gw) throws Exception {
        Gateway.FarEnd caller = gw.farEnd("ws_xfer_cancel");
        String otherKey = gw.workspaceWithKey("ws_xfer_other", true);
        int targetPort = Ports.freeUdpAndTcp();
        String target = "sip:target@127.0.0.1:" + targetPort;
        Path targetDir = Sipp.workDir();
        Process callerSipp = answerThenBye(caller.dir(), caller.port());
        Process targetSipp = answerThenBye(targetDir, targetPort);
        try (BotServer bot = new BotServer()) {
            String id = place(gw, caller.key(), bot).id();
            HttpResponse<String> badTarget = gw.http("POST", "/v1/calls/" + id + "/consult", caller.key(), "{\"to\":\"agent\"}");
            assertEquals(422, badTarget.statusCode(), badTarget.body());
            assertEquals("to", JSON.readTree(badTarget.body()).get("errors").get(0).get("field").asText(), badTarget.body());
            HttpResponse<String> noClip = gw.http("POST", "/v1/calls/" + id + "/consult", caller.key(), "{\"to\":\"" + target
                    + "\",\"hold\":\"no-such-clip.wav\"}");
            assertEquals(422, noClip.statusCode(), noClip.body());
            assertEquals("hold", JSON.readTree(noClip.body()).get("errors").get(0).get("field").asText(), noClip.body());
            HttpResponse<String> foreign = gw.http("POST", "/v1/calls/" + id + "/consult", otherKey, "{\"to\":\"" + target + "\"}");
            assertEquals(404, foreign.statusCode(), "another workspace's call is not found: " + foreign.body());
            HttpResponse<String> nothing = gw.http("POST", "/v1/calls/" + id + "/consult/cancel", caller.key(), null);
            assertEquals(409, nothing.statusCode(), "no consult to cancel yet: " + nothing.body());

            String leg = consultAnswered(gw, caller.key(), id, target, bot);
            HttpResponse<String> cancel = gw.http("POST", "/v1/calls/" + id + "/consult/cancel", caller.key(), null);
            assertEquals(200, cancel.statusCode(), cancel.body());
            assertEquals(leg, JSON.readTree(cancel.body()).get("consult_call_id").asText(), cancel.body());
            Sipp.Result t = Sipp.await(targetSipp, targetDir);
            assertEquals(0, t.exitCode(), "the target gets BYE on the cancel: " + t.output());
            Await.until(() -> gw.eventTypes(id).contains("consult-cancelled") && ended(gw, leg), WAIT, "the leg to end");
            assertTrue(!ended(gw, id), "the caller is back with the bot, still up");

            HttpResponse<String> hangup = gw.http("POST", "/v1/calls/" + id + "/hangup", caller.key(), null);
            assertEquals(202, hangup.statusCode(), hangup.body());
            Sipp.Result c = Sipp.await(callerSipp, caller.dir());
            assertEquals(0, c.exitCode(), "the caller gets BYE from the hang-up: " + c.output());
            Await.until(() -> ended(gw, id), WAIT, "the caller's record to end");
            HttpResponse<String> late = gw.http("POST", "/v1/calls/" + id + "/consult", caller.key(), "{\"to\":\"" + target + "\"}");
            assertEquals(409, late.statusCode(), "an ended call cannot consult: " + late.body());
        } finally {
            callerSipp.destroyForcibly();
            targetSipp.destroyForcibly();
        }
    }

    @Test
    void aTwilioBotsConsultExtensionMessagesConsultAndCompleteByMediaBridge(Gateway gw) throws Exception {
        completedByBridge(gw, "ws_xfer_twilio", (key, id, target, bot, conn) -> {
            conn.send("{\"event\":\"consult\",\"consult\":{\"action\":\"start\",\"to\":\"" + target + "\"}}");
            Await.until(() -> gw.eventTypes(id).contains("consult-answered"), WAIT, "the target to answer the consult");
            String leg = gw.sqlValue("SELECT detail FROM call_events WHERE call_id = '" + id + "' AND type = 'consult-requested'")
                    .split(" ")[0];
            assertEquals("OUTBOUND", gw.sqlValue("SELECT upper(direction) FROM calls WHERE id = '" + leg + "'"));
            assertEquals(id, gw.sqlValue("SELECT detail FROM call_events WHERE call_id = '" + leg + "' AND type = 'consult-of'"));
            bot.next(WAIT).next(String.class, m -> m.contains("\"start\"") && m.contains(leg), WAIT);
            conn.send("{\"event\":\"consult\",\"consult\":{\"action\":\"complete\",\"method\":\"media_bridge\"}}");
            return leg;
        });
    }

    /** Consults the target and completes by bridge, through the API or the bot's socket; returns the leg's id. */
    @FunctionalInterface
    private interface ConsultAndComplete {
        String run(String key, String id, String target, BotServer bot, BotServer.Conn conn) throws Exception;
    }

    private static void completedByBridge(Gateway gw, String workspace, ConsultAndComplete how) throws Exception {
        Gateway.FarEnd caller = gw.farEnd(workspace);
        int targetPort = Ports.freeUdpAndTcp();
        Path targetDir = Sipp.workDir();
        Process callerSipp = answerThenBye(caller.dir(), caller.port());
        Process targetSipp = targetHangingUp(targetDir, targetPort);
        try (BotServer bot = new BotServer()) {
            Placed placed = place(gw, caller.key(), bot);
            String leg = how.run(caller.key(), placed.id(), "sip:target@127.0.0.1:" + targetPort, bot, placed.bot());
            assertBridgedAndFinished(gw, placed.id(), leg, callerSipp, caller.dir(), targetSipp, targetDir);
        } finally {
            callerSipp.destroyForcibly();
            targetSipp.destroyForcibly();
        }
    }

    /** After a bridge completion: the target hangs up, the caller gets BYE, both records end, the caller's names the leg. */
    private static void assertBridgedAndFinished(Gateway gw, String id, String leg, Process callerSipp, Path callerDir,
            Process targetSipp, Path targetDir) throws Exception {
        Sipp.Result t = Sipp.await(targetSipp, targetDir);
        assertEquals(0, t.exitCode(), "the target is INVITEd at its URI, answers and hangs up: " + t.output());
        // The consult INVITE shows the caller's number (the placed call's From), as a bridge's second leg does.
        try (var logs = java.nio.file.Files.list(targetDir)) {
            Path log = logs.filter(p -> p.getFileName().toString().endsWith("_messages.log")).findFirst().orElseThrow();
            String invite = java.nio.file.Files.readString(log);
            assertTrue(invite.matches("(?s).*\nFrom:[^\r\n]*<sip:\\+918035735900@.*"),
                    "the consult INVITE's From is the caller's number:\n" + invite);
        }
        Sipp.Result c = Sipp.await(callerSipp, callerDir);
        assertEquals(0, c.exitCode(), "the caller gets BYE once the bridged target hung up: " + c.output());
        Await.until(() -> ended(gw, id) && ended(gw, leg), WAIT, "both records to end");
        assertTrue(gw.sqlValue("SELECT detail FROM call_events WHERE call_id = '" + id + "' AND type = 'consult-completed'")
                .startsWith(leg + " by media_bridge"), gw.eventTypes(id).toString());
        assertEquals("bridge_ended", gw.sqlValue("SELECT hangup_cause FROM calls WHERE id = '" + id + "'"));
    }

    /** The target checks the Request-URI, answers, and hangs up 8 s later: a bridged caller then gets BYE. */
    private static Process targetHangingUp(Path dir, int port) throws Exception {
        return Sipp.start(dir, List.of("-sf", Path.of("src/test/resources/sipp/uas_transfer_target.xml")
                .toAbsolutePath().toString(), "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1", "-d", "8000",
                "-trace_msg"));
    }

    private static Process answerThenBye(Path dir, int port) throws Exception {
        return Sipp.start(dir, List.of("-sf", ANSWER_THEN_BYE.toString(), "-i", "127.0.0.1", "-p", Integer.toString(port),
                "-m", "1", "-key", "rtp_port", Integer.toString(Ports.freeUdpAndTcp()), "-trace_msg"));
    }

    private record Placed(String id, BotServer.Conn bot) {
    }

    /** Places a call to the far end with the bot; returns once the bot's stream started. */
    private static Placed place(Gateway gw, String key, BotServer bot) throws Exception {
        HttpResponse<String> placed = gw.http("POST", "/v1/calls", key, "{\"to\":\"+919494865413\",\"from\":\"+918035735900\","
                + "\"websocket_url\":\"" + bot.url() + "\"}");
        assertEquals(201, placed.statusCode(), placed.body());
        String id = JSON.readTree(placed.body()).get("call_id").asText();
        BotServer.Conn conn = bot.next(WAIT);
        conn.next(String.class, m -> m.contains("\"start\"") && m.contains(id), WAIT);
        return new Placed(id, conn);
    }

    /**
     * Consults the target and waits for its answer: the leg is recorded first (outbound, the caller's workspace),
     * the caller's record names it, and the bot gets the leg's own stream. Returns the leg's id.
     */
    private static String consultAnswered(Gateway gw, String key, String id, String target, BotServer bot) throws Exception {
        HttpResponse<String> consult = gw.http("POST", "/v1/calls/" + id + "/consult", key, "{\"to\":\"" + target + "\"}");
        assertEquals(202, consult.statusCode(), consult.body());
        String leg = JSON.readTree(consult.body()).get("consult_call_id").asText();
        assertEquals("/v1/calls/" + leg, consult.headers().firstValue("Location").orElse(null));
        JsonNode record = JSON.readTree(gw.http("GET", "/v1/calls/" + leg, key, null).body());
        assertEquals("outbound", record.get("direction").asText(), record.toString());
        assertEquals(target, record.get("to").asText(), record.toString());
        assertEquals(gw.sqlValue("SELECT workspace_id FROM calls WHERE id = '" + id + "'"),
                gw.sqlValue("SELECT workspace_id FROM calls WHERE id = '" + leg + "'"));
        assertEquals(id, gw.sqlValue("SELECT detail FROM call_events WHERE call_id = '" + leg + "' AND type = 'consult-of'"));
        Await.until(() -> gw.eventTypes(id).contains("consult-answered"), WAIT, "the target to answer the consult");
        assertTrue(gw.sqlValue("SELECT detail FROM call_events WHERE call_id = '" + id + "' AND type = 'consult-answered'")
                .startsWith(leg), "the caller's consult-answered names the leg");
        bot.next(WAIT).next(String.class, m -> m.contains("\"start\"") && m.contains(leg), WAIT);
        assertEquals("in-progress", JSON.readTree(gw.http("GET", "/v1/calls/" + leg, key, null).body()).get("status").asText());
        return leg;
    }

    private static boolean ended(Gateway gw, String id) {
        return gw.sqlValue("SELECT ended_at FROM calls WHERE id = '" + id + "'") != null;
    }
}
