package dev.patchbay.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.app.ControlPlane;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16 §1 and §3 across real processes' parts on loopback and real PostgreSQL: control-plane
 * replicas find media nodes only in media_nodes, pick up nodes that join and drop those that leave
 * or die without a restart, place outbound calls on the least-loaded active node, and end a dead
 * node's calls as media-node-lost exactly once with their hang-up callbacks.
 */
class FleetE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void nodesThatJoinAreConnectedAndNodesThatLeaveOrDieAreDroppedWithoutARestart() throws Exception {
        try (FleetRig fleet = new FleetRig()) {
            MediaPlane a = fleet.node("node-a", 100);
            ControlPlane control = fleet.replica("r1");
            Await.until(() -> FleetRig.connected(control, a), WAIT, "the replica to connect to node-a from the table");
            Await.until(() -> a.hub().connected() == 1, WAIT, "node-a to see the replica");

            MediaPlane b = fleet.node("node-b", 100);
            Await.until(() -> FleetRig.connected(control, b), WAIT, "a node that joins later to be connected");

            String bAddress = FleetRig.grpc(b);
            b.drainAndClose();
            Await.until(() -> control.links().stream().noneMatch(l -> l.node().equals(bAddress)), WAIT, "a drained node that left the table to be dropped");

            MediaPlane c = fleet.node("node-c", 100);
            Await.until(() -> FleetRig.connected(control, c), WAIT, "node-c to be connected");
            c.fleet().orElseThrow().abandon(); // its heartbeat stops, as when the host dies
            Await.until(() -> !FleetRig.knows(control, c), WAIT, "a node whose heartbeat lapsed to be dropped");
            Await.until(() -> fleet.rows("SELECT node_id FROM media_nodes WHERE node_id = 'node-c'").isEmpty(), WAIT,
                    "the dead node's row to be swept");
            assertTrue(FleetRig.connected(control, a), "node-a stayed connected throughout");
        }
    }

    @Test
    void outboundCallsGoToTheLeastLoadedActiveNodeAndNeverToADrainingOne() throws Exception {
        int trunkPort = Ports.freeUdpAndTcp();
        Path dir = Sipp.workDir();
        Process uas = Sipp.start(dir, List.of("-sn", "uas", "-i", "127.0.0.1", "-p", Integer.toString(trunkPort), "-m", "7"));
        try (FleetRig fleet = new FleetRig(); BotServer bot = new BotServer()) {
            MediaPlane a = fleet.node("node-a", 100);
            MediaPlane b = fleet.node("node-b", 100);
            ControlPlane control = fleet.replica("r1");
            String key = fleet.workspace("ws_fleet", trunkPort);
            Await.until(() -> FleetRig.connected(control, a) && FleetRig.connected(control, b), WAIT, "both nodes connected");

            for (int n = 1; n <= 4; n++) {
                place(control, key, bot);
                int placed = n;
                // The next pick sees this call in the node's row: a heartbeat and a poll later.
                Await.until(() -> callsInTable(fleet) == placed && readyCalls(control) == placed, WAIT, placed + " calls in the rows");
            }
            Map<String, Long> spread = mediaNodes(fleet);
            assertEquals(2L, spread.get(FleetRig.grpc(a)), "spread " + spread);
            assertEquals(2L, spread.get(FleetRig.grpc(b)), "spread " + spread);

            a.fleet().orElseThrow().drain(); // the row says draining; node-a itself stays up with its calls
            Await.until(() -> nodeState(control, FleetRig.grpc(a)).equals("draining"), WAIT, "the replica to see node-a draining");
            for (int n = 0; n < 3; n++) {
                place(control, key, bot);
            }
            Map<String, Long> after = mediaNodes(fleet);
            assertEquals(2L, after.get(FleetRig.grpc(a)), "a draining node gets no new call: " + after);
            assertEquals(5L, after.get(FleetRig.grpc(b)), after.toString());
        } finally {
            uas.destroyForcibly();
        }
    }

    @Test
    void aNodeThatDiesHasItsCallsEndedAsMediaNodeLostOnceWithCallbacksWithin30Seconds() throws Exception {
        int trunkPort = Ports.freeUdpAndTcp();
        Path dir = Sipp.workDir();
        Process uas = Sipp.start(dir, List.of("-sn", "uas", "-i", "127.0.0.1", "-p", Integer.toString(trunkPort), "-m", "2"));
        try (FleetRig fleet = new FleetRig(); BotServer bot = new BotServer(); CallbackReceiver callbacks = new CallbackReceiver()) {
            MediaPlane doomed = fleet.node("node-doomed", 100);
            ControlPlane r1 = fleet.replica("r1");
            ControlPlane r2 = fleet.replica("r2");
            String key = fleet.workspace("ws_lost", trunkPort);
            Await.until(() -> FleetRig.connected(r1, doomed) && FleetRig.connected(r2, doomed), WAIT, "both replicas connected");
            String first = place(r1, key, bot, callbacks.url());
            String second = place(r2, key, bot, callbacks.url());
            Await.until(() -> fleet.rows("SELECT id FROM calls WHERE status = 'in-progress'").size() == 2, WAIT,
                    "both calls answered");

            doomed.fleet().orElseThrow().abandon(); // kill -9 as the table sees it: the heartbeat stops, the row stays
            Instant lastBeat = Instant.ofEpochMilli(Long.parseLong(fleet.rows(
                    "SELECT (extract(epoch FROM heartbeat_at) * 1000)::bigint FROM media_nodes").get(0).get(0)));
            Await.until(() -> fleet.rows("SELECT id FROM calls WHERE ended_at IS NULL").isEmpty(), Duration.ofSeconds(30),
                    "the dead node's calls to be ended");
            for (List<String> row : fleet.rows(
                    "SELECT id, status, hangup_cause, (extract(epoch FROM ended_at) * 1000)::bigint FROM calls")) {
                assertEquals("media-node-lost", row.get(2), row.toString());
                assertEquals("completed", row.get(1), "an answered call that lost its node: " + row);
                Instant ended = Instant.ofEpochMilli(Long.parseLong(row.get(3)));
                Duration afterLapse = Duration.between(lastBeat.plus(FleetRig.LAPSE), ended);
                assertTrue(afterLapse.toSeconds() < 30, "ended within 30 s of the lapse: " + row + " last beat " + lastBeat);
                java.util.logging.Logger.getLogger(FleetE2eTest.class.getName()).info(() -> "call " + row.get(0)
                        + " ended as media-node-lost " + afterLapse.toMillis() + " ms after its node's heartbeat lapsed");
            }
            List<String> bodies = List.of(callbacks.next(WAIT).body(), callbacks.next(WAIT).body());
            for (String id : List.of(first, second)) {
                JsonNode cb = bodies.stream().map(FleetE2eTest::json).filter(j -> j.get("call_id").asText().equals(id))
                        .findFirst().orElseThrow(() -> new AssertionError("no callback for " + id + ": " + bodies));
                assertEquals("media-node-lost", cb.get("hangup_cause").asText());
            }
            Await.until(() -> fleet.rows("SELECT node_id FROM media_nodes").isEmpty(), WAIT, "the claimed node's row to be removed");
            // Both replicas polled many times since: each call still has exactly one callback queued and one end event.
            assertEquals(List.of(List.of("2")), fleet.rows("SELECT count(*) FROM outbox WHERE kind = 'hangup_callback'"));
            assertEquals(List.of(List.of("2")), fleet.rows("SELECT count(*) FROM call_events WHERE type = 'completed'"));
            Await.until(() -> !FleetRig.knows(r1, doomed) && !FleetRig.knows(r2, doomed), WAIT, "both replicas to drop the dead node");
        } finally {
            uas.destroyForcibly();
        }
    }

    @Test
    void aNodeRestartedUnderItsIdBeforeTheLapseHasItsPreviousRunsCallsEnded() throws Exception {
        try (FleetRig fleet = new FleetRig(); CallbackReceiver callbacks = new CallbackReceiver()) {
            ControlPlane control = fleet.replica("r1");
            fleet.workspace("ws_restart", Ports.freeUdpAndTcp());
            int grpcPort = Ports.freeUdpAndTcp();
            String address = "127.0.0.1:" + grpcPort;
            // What a run killed with -9 leaves: a live record on the node's address, made before the new run began;
            // and one made after it began (the clock's future stands in), which must be left alone.
            fleet.sql("INSERT INTO calls (id, workspace_id, direction, status, media_node, callback_url, created_at, answered_at)"
                            + " VALUES ('CAold', 'ws_restart', 'inbound', 'in-progress', '" + address + "', '" + callbacks.url()
                            + "', CURRENT_TIMESTAMP - INTERVAL '1 minute', CURRENT_TIMESTAMP - INTERVAL '1 minute')",
                    "INSERT INTO calls (id, workspace_id, direction, status, media_node, created_at, answered_at)"
                            + " VALUES ('CAnew', 'ws_restart', 'inbound', 'in-progress', '" + address + "',"
                            + " CURRENT_TIMESTAMP + INTERVAL '1 hour', CURRENT_TIMESTAMP + INTERVAL '1 hour')");
            MediaPlane node = fleet.node("node-r", 100, grpcPort);
            Await.until(() -> FleetRig.connected(control, node), WAIT, "the restarted node to be connected");
            Await.until(() -> !fleet.rows("SELECT id FROM calls WHERE id = 'CAold' AND ended_at IS NOT NULL").isEmpty(), WAIT,
                    "the previous run's call to be ended");
            assertEquals(List.of(List.of("completed", "media-node-lost")),
                    fleet.rows("SELECT status, hangup_cause FROM calls WHERE id = 'CAold'"));
            assertEquals("media-node-lost", json(callbacks.next(WAIT).body()).get("hangup_cause").asText());
            assertEquals(List.of(List.of("in-progress")), fleet.rows("SELECT status FROM calls WHERE id = 'CAnew'"),
                    "a call of the current run is not touched");
        }
    }

    private static String place(ControlPlane control, String key, BotServer bot) {
        return place(control, key, bot, null);
    }

    private static String place(ControlPlane control, String key, BotServer bot, String callbackUrl) {
        HttpResponse<String> r = FleetRig.http(control, "POST", "/v1/calls", key, "{\"to\":\"+919494865411\","
                + "\"from\":\"+918035735900\",\"websocket_url\":\"" + bot.url() + "\""
                + (callbackUrl == null ? "" : ",\"callback_url\":\"" + callbackUrl + "\"") + "}");
        assertEquals(201, r.statusCode(), r.body());
        return json(r.body()).get("call_id").asText();
    }

    private static Map<String, Long> mediaNodes(FleetRig fleet) {
        return fleet.rows("SELECT media_node FROM calls").stream().collect(Collectors.groupingBy(r -> r.get(0), Collectors.counting()));
    }

    private static int callsInTable(FleetRig fleet) {
        return fleet.rows("SELECT coalesce(sum(current_calls), 0) FROM media_nodes").stream()
                .mapToInt(r -> Integer.parseInt(r.get(0))).sum();
    }

    /** The calls the replica's last poll saw on its nodes, from /health/ready. */
    private static int readyCalls(ControlPlane control) {
        int sum = 0;
        for (JsonNode n : json(FleetRig.http(control, "GET", "/health/ready", null, null).body()).get("media_nodes")) {
            sum += n.path("calls").asInt();
        }
        return sum;
    }

    private static String nodeState(ControlPlane control, String node) {
        for (JsonNode n : json(FleetRig.http(control, "GET", "/health/ready", null, null).body()).get("media_nodes")) {
            if (n.get("node").asText().equals(node)) {
                return n.path("state").asText();
            }
        }
        return "";
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError(body, e);
        }
    }
}
