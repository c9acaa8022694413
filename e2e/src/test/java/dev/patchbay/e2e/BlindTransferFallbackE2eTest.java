package dev.patchbay.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * Seed 001's blind transfer against a carrier that takes no REFER: SIPp as the carrier refuses the REFER
 * with 405 (through the provider API) or 501 (through a WSS bot's transfer event), and a second SIPp as
 * the target gets Patchbay's INVITE instead, is bridged to the caller and hangs up. The call records
 * which way it went.
 */
@ExtendWith(GatewayFixture.class)
class BlindTransferFallbackE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aReferRefusedWith405ThroughTheApiBridgesTheSipTargetInstead(Gateway gw) throws Exception {
        transferAgainstRefusingCarrier(gw, "ws_f405", 405, (conn, id, key, target) -> {
            HttpResponse<String> transfer = gw.http("POST", "/v1/calls/" + id + "/transfer", key, "{\"to\":\"" + target + "\"}");
            assertEquals(202, transfer.statusCode(), transfer.body());
            assertEquals(target, JSON.readTree(transfer.body()).get("refer_to").asText(), "a sip: target is sent as given");
        });
    }

    @Test
    void aReferRefusedWith501ForAWssBotsTransferBridgesTheTargetInstead(Gateway gw) throws Exception {
        transferAgainstRefusingCarrier(gw, "ws_f501", 501, (conn, id, key, target) ->
                conn.send("{\"event\":\"transfer\",\"transfer\":{\"to\":\"" + target + "\"}}"));
    }

    @FunctionalInterface
    private interface Transfer {
        void request(BotServer.Conn bot, String callId, String key, String target) throws Exception;
    }

    private static void transferAgainstRefusingCarrier(Gateway gw, String workspace, int refusal, Transfer transfer) throws Exception {
        Gateway.FarEnd carrierEnd = gw.farEnd(workspace);
        int carrierPort = carrierEnd.port();
        int targetPort = Ports.freeUdpAndTcp();
        String key = carrierEnd.key();
        String target = "sip:target@127.0.0.1:" + targetPort;
        Path carrierDir = carrierEnd.dir();
        Path targetDir = Sipp.workDir();
        // SIPp checks a response's status when it loads the scenario, so the refusal is written into a copy.
        Path scenario = carrierDir.resolve("uas_refer_refused.xml");
        Files.writeString(scenario, Files.readString(Path.of("src/test/resources/sipp/uas_refer_refused.xml"))
                .replace("[refer_status]", Integer.toString(refusal)));
        Process carrier = Sipp.start(carrierDir, List.of("-sf", scenario.toString(), "-i", "127.0.0.1", "-p",
                Integer.toString(carrierPort), "-m", "1", "-trace_msg"));
        Process callee = Sipp.start(targetDir, List.of("-sf", Path.of("src/test/resources/sipp/uas_transfer_target.xml")
                .toAbsolutePath().toString(), "-i", "127.0.0.1", "-p", Integer.toString(targetPort), "-m", "1", "-d", "1000",
                "-trace_msg"));
        try (BotServer bot = new BotServer()) {
            String id = JSON.readTree(gw.http("POST", "/v1/calls", key, "{\"to\":\"+919494865413\",\"from\":\"+918035735900\","
                    + "\"websocket_url\":\"" + bot.url() + "\"}").body()).get("call_id").asText();
            BotServer.Conn conn = bot.next(WAIT);
            conn.next(String.class, m -> m.contains("\"start\""), WAIT);
            transfer.request(conn, id, key, target);

            Sipp.Result reached = Sipp.await(callee, targetDir);
            assertEquals(0, reached.exitCode(), "the target gets the INVITE at its URI, answers and hangs up: " + reached.output());
            Sipp.Result refused = Sipp.await(carrier, carrierDir);
            assertEquals(0, refused.exitCode(), "the carrier saw the REFER to the target, then the BYE: " + refused.output());
            Await.until(() -> gw.eventTypes(id).contains("completed"), WAIT, "the bridged call to end");
            List<String> events = gw.eventTypes(id);
            assertTrue(events.indexOf("transfer-refer-refused") >= 0
                    && events.indexOf("transfer-refer-refused") < events.indexOf("bridge-requested"), events.toString());
            assertEquals("bridge", gw.sqlValue("SELECT detail FROM call_events WHERE call_id = '" + id
                    + "' AND type = 'transfer-method'"), "the call records that it was bridged, not referred: " + events);
            assertEquals(String.valueOf(refusal), gw.sqlValue("SELECT detail FROM call_events WHERE call_id = '" + id
                    + "' AND type = 'transfer-refer-refused'").split(";")[0]);
            JsonNode call = JSON.readTree(gw.http("GET", "/v1/calls/" + id, key, null).body());
            assertEquals("bridge_ended", call.get("hangup_cause").asText(), call.toString());
        } finally {
            carrier.destroyForcibly();
            callee.destroyForcibly();
        }
    }
}
