package dev.patchbay.media.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.patchbay.media.fleet.FleetSettings;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.DrainRequest;
import dev.patchbay.proto.media.v1.DrainResponse;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.RouteDecision;
import dev.patchbay.schema.testing.TestDb;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A media-plane in the fleet (issue 16), on real PostgreSQL and real SIP over loopback: its row and
 * heartbeat, OPTIONS and /health/ready answering "can take a call", SIGTERM's drain (and the Drain
 * RPC's, which is the same), and the public
 * address (127.0.0.2 standing in for a 1:1 NAT address; the node binds 127.0.0.1) in SDP, Contact and Via.
 */
class NodeFleetTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String OFFER = SipUdpClient.sdp(4000, "0", "a=rtpmap:0 PCMU/8000\r\n");
    private static final String PUBLIC = "127.0.0.2";
    private static TestDb db;

    @BeforeAll
    static void database() {
        db = new TestDb();
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    private static MediaPlane start(String nodeId, int maxCalls, Duration drain) throws Exception {
        MediaConfig config = MediaPlaneFixture.config().withMaxCalls(maxCalls).withRtpAdvertise(PUBLIC).withDrainTimeout(drain)
                .withFleet(FleetSettings.defaults().withDb(db.settings()).withNodeId(nodeId).withHeartbeat(Duration.ofMillis(200)));
        return MediaPlane.start(config);
    }

    @Test
    void theRowCarriesThePublicAddressesAndTheHeartbeatRenewsIt() throws Exception {
        try (MediaPlane plane = start("node-row", 7, Duration.ofSeconds(2))) {
            Map<String, Object> row = row("node-row");
            assertNotNull(row, "the node registered");
            assertEquals(PUBLIC + ":" + plane.sipPort(), row.get("sip_address"));
            assertEquals(PUBLIC, row.get("rtp_address"));
            assertEquals(PUBLIC + ":" + plane.grpcPort(), row.get("grpc_address"));
            assertEquals(7, row.get("capacity"));
            assertEquals(0, row.get("current_calls"));
            assertEquals("active", row.get("state"));
            Timestamp first = (Timestamp) row.get("heartbeat_at");
            Await.until(() -> heartbeat("node-row").after(first), WAIT, "the heartbeat to renew the row");
        }
        assertNull(row("node-row"), "a node that stops removes its row");
    }

    @Test
    void optionsAndReadinessSay503UntilAControlPlaneIsConnectedAndAtTheCallLimit() throws Exception {
        try (MediaPlane plane = start("node-options", 1, Duration.ofSeconds(2));
             SipUdpClient prober = new SipUdpClient(plane.sipPort()); SipUdpClient caller = new SipUdpClient(plane.sipPort())) {
            SipMessage lonely = options(prober, 1);
            assertEquals(503, lonely.status(), "no control-plane: no call could be routed");
            assertNotNull(lonely.header("Retry-After"));
            assertTrue(lonely.header("Reason").contains("no control-plane"), lonely.header("Reason"));
            assertEquals(503, ready(plane));
            assertEquals(200, live(plane));

            try (TestControl control = new TestControl(plane.grpcPort())) {
                Await.until(() -> plane.hub().connected() == 1, WAIT, "control stream");
                assertEquals(200, options(prober, 2).status());
                assertEquals(200, ready(plane));

                String toTag = answeredCall(caller, control);
                SipMessage full = options(prober, 3);
                assertEquals(503, full.status(), "at patchbay.call.max the node takes no more");
                assertTrue(full.header("Reason").contains("call limit"), full.header("Reason"));
                assertEquals(503, ready(plane));
                Await.until(() -> Integer.valueOf(1).equals(row("node-options").get("current_calls")), WAIT,
                        "the heartbeat to report the call");

                caller.request("BYE", "a", 2, "optbye", toTag, null, null);
                assertEquals(200, caller.finalResponse(WAIT).status());
                Await.until(() -> plane.calls().activeCalls() == 0, WAIT, "the call to end");
                assertEquals(200, options(prober, 4).status());
            }
        }
    }

    @Test
    void aNodeThatCannotRenewItsRowTakesItselfOutOfRotationUntilItCan() throws Exception {
        try (MediaPlane plane = start("node-fenced", 10, Duration.ofSeconds(2));
             TestControl control = new TestControl(plane.grpcPort()); SipUdpClient prober = new SipUdpClient(plane.sipPort())) {
            Await.until(() -> plane.hub().connected() == 1, WAIT, "control stream");
            assertEquals(200, options(prober, 1).status());
            sql("ALTER TABLE media_nodes RENAME TO media_nodes_away"); // every heartbeat now fails
            try {
                Await.until(() -> plane.fleet().orElseThrow().problem() != null, WAIT, "two heartbeats to fail");
                SipMessage fenced = options(prober, 2);
                assertEquals(503, fenced.status(), "control-planes will soon think this node dead");
                assertTrue(fenced.header("Reason").contains("registry"), fenced.header("Reason"));
                assertEquals(503, ready(plane));
            } finally {
                sql("ALTER TABLE media_nodes_away RENAME TO media_nodes");
            }
            Await.until(() -> plane.fleet().orElseThrow().problem() == null, WAIT, "a heartbeat to succeed again");
            assertEquals(200, options(prober, 3).status());
        }
    }

    private static void sql(String statement) {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
             java.sql.Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sigtermDrainsCallsThatEndByThemselvesThenLeaves() throws Exception {
        MediaPlane plane = start("node-drain", 10, Duration.ofSeconds(20));
        try (TestControl control = new TestControl(plane.grpcPort()); SipUdpClient caller = new SipUdpClient(plane.sipPort());
             SipUdpClient late = new SipUdpClient(plane.sipPort()); SipUdpClient prober = new SipUdpClient(plane.sipPort())) {
            Await.until(() -> plane.hub().connected() == 1, WAIT, "control stream");
            String toTag = answeredCall(caller, control);

            CompletableFuture<MediaPlane.DrainReport> drained = CompletableFuture.supplyAsync(plane::drainAndClose);
            Await.until(() -> row("node-drain") != null && "draining".equals(row("node-drain").get("state")), WAIT,
                    "the row to say draining");
            late.request("INVITE", "b", 1, "late1", null, null, OFFER);
            SipMessage refused = late.finalResponse(WAIT);
            assertEquals(503, refused.status());
            assertNotNull(refused.header("Retry-After"), refused.raw());
            assertTrue(refused.header("Reason").contains("shutting down"), refused.header("Reason"));
            assertEquals(503, options(prober, 1).status(), "a draining node is out of rotation");
            assertFalse(drained.isDone(), "the call in progress keeps the node up");

            caller.request("BYE", "a", 2, "drainbye", toTag, null, null);
            assertEquals(200, caller.finalResponse(WAIT).status());
            MediaPlane.DrainReport report = drained.get(10, TimeUnit.SECONDS);
            assertEquals(1, report.calls());
            assertEquals(0, report.cut(), "no call was cut: it ended by itself");
            assertEquals(HangupCause.CALLER_BYE, control.next(ControlEvent.EventCase.HANGUP, WAIT).getHangup().getCause());
            assertNull(row("node-drain"), "the drained node left the table");
        }
    }

    @Test
    void theDrainRpcDrainsAsSigtermDoesAndThenRunsTheAfterDrainAction() throws Exception {
        MediaPlane plane = start("node-rpc-drain", 10, Duration.ofSeconds(20));
        CountDownLatch stopped = new CountDownLatch(1);
        plane.afterRemoteDrain(stopped::countDown);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", plane.grpcPort()).usePlaintext().build();
        try (TestControl control = new TestControl(plane.grpcPort()); SipUdpClient caller = new SipUdpClient(plane.sipPort())) {
            Await.until(() -> plane.hub().connected() == 1, WAIT, "control stream");
            String toTag = answeredCall(caller, control);
            MediaPlaneGrpc.MediaPlaneBlockingStub stub = MediaPlaneGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, TimeUnit.SECONDS);

            DrainResponse first = stub.drain(DrainRequest.newBuilder().setReason("operator via the admin API").build());
            assertEquals(1, first.getCallsInProgress());
            assertFalse(first.getAlreadyDraining());
            Await.until(() -> row("node-rpc-drain") != null && "draining".equals(row("node-rpc-drain").get("state")), WAIT,
                    "the row to say draining");
            assertTrue(stub.drain(DrainRequest.getDefaultInstance()).getAlreadyDraining(), "a second drain starts none");
            assertEquals(1, stopped.getCount(), "the call in progress keeps the node up");

            caller.request("BYE", "a", 2, "rpcdrainbye", toTag, null, null);
            assertEquals(200, caller.finalResponse(WAIT).status());
            assertTrue(stopped.await(10, TimeUnit.SECONDS), "the after-drain action ran once the call had ended");
            assertNull(row("node-rpc-drain"), "the drained node left the table");
        } finally {
            channel.shutdownNow();
            plane.close();
        }
    }

    @Test
    void callsStillUpAtTheDrainDeadlineGetByeWithReasonAndThePublicAddressInVia() throws Exception {
        MediaPlane plane = start("node-cut", 10, Duration.ofMillis(800));
        try (TestControl control = new TestControl(plane.grpcPort()); SipUdpClient caller = new SipUdpClient(plane.sipPort())) {
            Await.until(() -> plane.hub().connected() == 1, WAIT, "control stream");
            caller.request("INVITE", "a", 1, "cut1", null, null, OFFER);
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            SipMessage ok = caller.finalResponse(WAIT);
            assertEquals(200, ok.status());
            assertTrue(ok.header("Contact").contains("@" + PUBLIC + ":"), "Contact: " + ok.header("Contact"));
            assertTrue(ok.body().contains("c=IN IP4 " + PUBLIC), ok.body());
            caller.request("ACK", "a", 1, "cut1ack", ok.header("To").replaceAll(".*;tag=", ""), null, null);

            CompletableFuture<MediaPlane.DrainReport> drained = CompletableFuture.supplyAsync(plane::drainAndClose);
            SipMessage bye = caller.nextRequest(WAIT);
            assertNotNull(bye, "the call still up at the deadline is hung up");
            assertTrue(bye.startLine().startsWith("BYE "), bye.startLine());
            assertNotNull(bye.header("Reason"), bye.raw());
            assertTrue(bye.header("Via").contains(PUBLIC + ":" + plane.sipPort()), "Via: " + bye.header("Via"));
            caller.respond(bye, 200, "OK");
            assertEquals(1, drained.get(10, TimeUnit.SECONDS).cut());
            assertNull(row("node-cut"));
        }
    }

    private static String answeredCall(SipUdpClient caller, TestControl control) throws Exception {
        caller.request("INVITE", "a", 1, "call" + caller.localPort(), null, null, OFFER);
        ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
        control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
        SipMessage ok = caller.finalResponse(WAIT);
        assertEquals(200, ok.status());
        String toTag = ok.header("To").replaceAll(".*;tag=", "");
        caller.request("ACK", "a", 1, "ack" + caller.localPort(), toTag, null, null);
        return toTag;
    }

    private static SipMessage options(SipUdpClient prober, int cseq) throws Exception {
        prober.request("OPTIONS", "ping", cseq, "opt" + cseq + "x" + prober.localPort(), null, null, null);
        SipMessage answer = prober.finalResponseTo(cseq + " OPTIONS", WAIT);
        assertNotNull(answer, "OPTIONS is answered");
        return answer;
    }

    private static int ready(MediaPlane plane) throws Exception {
        return get(plane, "/health/ready");
    }

    private static int live(MediaPlane plane) throws Exception {
        return get(plane, "/health/live");
    }

    private static int get(MediaPlane plane, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.observePort() + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    private static Timestamp heartbeat(String nodeId) {
        Map<String, Object> row = row(nodeId);
        return row == null ? new Timestamp(0) : (Timestamp) row.get("heartbeat_at");
    }

    private static Map<String, Object> row(String nodeId) {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
             PreparedStatement s = c.prepareStatement("SELECT * FROM media_nodes WHERE node_id = ?")) {
            s.setString(1, nodeId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    row.put(r.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), r.getObject(i));
                }
                return row;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
