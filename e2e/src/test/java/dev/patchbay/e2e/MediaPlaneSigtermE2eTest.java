package dev.patchbay.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.RouteDecision;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to a real media-plane JVM with calls up (issue 16 §3): the node turns draining in the
 * table, refuses new INVITEs with 503 + Retry-After + Reason, lets its calls end by themselves,
 * removes its row and exits 0. The timeline and the calls lost are logged for the closing note.
 */
class MediaPlaneSigtermE2eTest {

    private static final Logger LOG = Logger.getLogger(MediaPlaneSigtermE2eTest.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OFFER = SipUdpClient.sdp(4000, "0", "a=rtpmap:0 PCMU/8000\r\n");
    private static final int CALLS = 3;

    @Test
    void sigtermLetsCallsFinishRefusesNewOnesLeavesTheTableAndExitsZero() throws Exception {
        try (TestDb db = new TestDb()) {
            Migrations.migrate(db.settings());
            int sipPort = Ports.freeUdpAndTcp();
            int grpcPort = Ports.freeUdpAndTcp();
            int observePort = Ports.freeUdpAndTcp();
            int rtpBase = Ports.rtpBase(100);
            Path var = Files.createTempDirectory("patchbay-var");
            Map<String, String> props = new LinkedHashMap<>();
            props.put("patchbay.sip.host", "127.0.0.1");
            props.put("patchbay.sip.port", Integer.toString(sipPort));
            props.put("patchbay.sip.tls.port", "0");
            props.put("patchbay.grpc.host", "127.0.0.1");
            props.put("patchbay.grpc.port", Integer.toString(grpcPort));
            props.put("patchbay.media.observe.port", Integer.toString(observePort));
            props.put("patchbay.rtp.host", "127.0.0.1");
            props.put("patchbay.rtp.port.min", Integer.toString(rtpBase));
            props.put("patchbay.rtp.port.max", Integer.toString(rtpBase + 99));
            props.put("patchbay.rtp.loops", "1");
            props.put("patchbay.var", var.toString());
            props.put("patchbay.recording.dir", var.resolve("rec").toString());
            props.put("patchbay.db.connection.url", db.url());
            props.put("patchbay.db.connection.username", TestDb.USER);
            props.put("patchbay.db.connection.password", TestDb.PASSWORD);
            props.put("patchbay.node.id", "node-sigterm");
            props.put("patchbay.node.heartbeat", "PT0.2S");
            props.put("patchbay.shutdown.drain", "PT20S");
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path")));
            props.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("dev.patchbay.media.app.MediaPlaneMain");
            Path log = var.resolve("media-plane.log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("PATCHBAY_CONFIG", Path.of("..", "media-plane", "src/main/resources/application.yaml")
                    .toAbsolutePath().toString());
            Process process = pb.start();
            List<SipUdpClient> callers = new ArrayList<>();
            try {
                Await.until(() -> status(observePort, "/health/live") == 200, Duration.ofSeconds(30),
                        "the media-plane process to answer /health/live (log: " + log + ")");
                try (TestControl control = new TestControl(grpcPort); SipUdpClient late = new SipUdpClient(sipPort)) {
                    Await.until(() -> status(observePort, "/health/ready") == 200, WAIT, "the node to be ready");
                    List<String> toTags = new ArrayList<>();
                    for (int i = 0; i < CALLS; i++) {
                        SipUdpClient caller = new SipUdpClient(sipPort);
                        callers.add(caller);
                        toTags.add(answered(caller, control, i));
                    }
                    assertEquals("active", state(db, "node-sigterm"));

                    long sigterm = System.nanoTime();
                    process.destroy(); // SIGTERM
                    Await.until(() -> "draining".equals(state(db, "node-sigterm")), WAIT, "the row to say draining");
                    Await.until(() -> status(observePort, "/health/ready") == 503, WAIT, "readiness to go false");
                    late.request("INVITE", "late", 1, "late1", null, null, OFFER);
                    SipMessage refused = late.finalResponse(WAIT);
                    assertEquals(503, refused.status(), refused.raw());
                    assertNotNull(refused.header("Retry-After"), refused.raw());
                    assertNotNull(refused.header("Reason"), refused.raw());

                    // The callers hang up by themselves, one after another, while the node drains.
                    long lastEnd = 0;
                    for (int i = 0; i < CALLS; i++) {
                        SipUdpClient caller = callers.get(i);
                        caller.request("BYE", "a", 2, "bye" + i, toTags.get(i), null, null);
                        SipMessage ok = caller.finalResponse(WAIT);
                        assertEquals(200, ok.status(), "the call was still up and ends normally: " + ok.raw());
                        assertEquals(HangupCause.CALLER_BYE, control.next(ControlEvent.EventCase.HANGUP, WAIT).getHangup().getCause());
                        lastEnd = System.nanoTime();
                    }
                    assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the drained process exits (log: " + log + ")");
                    long exit = System.nanoTime();
                    assertEquals(0, process.exitValue(), "a clean drain exits 0 (log: " + log + ")");
                    assertEquals(null, state(db, "node-sigterm"), "the node removed its row");
                    int lost = 0;
                    for (SipUdpClient caller : callers) {
                        SipMessage stray = caller.receive(Duration.ofMillis(1));
                        if (stray != null && stray.startLine().startsWith("BYE")) {
                            lost++; // a BYE from the node would mean it cut the call
                        }
                    }
                    assertEquals(0, lost, "calls cut by the drain");
                    long toLast = (lastEnd - sigterm) / 1_000_000;
                    long toExit = (exit - sigterm) / 1_000_000;
                    LOG.info(() -> "drain timeline: SIGTERM -> last call end " + toLast + " ms, -> exit " + toExit
                            + " ms (" + (toExit - toLast) + " ms after the last call); calls " + CALLS + ", lost 0");
                }
            } finally {
                callers.forEach(SipUdpClient::close);
                if (process.isAlive()) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    private static String answered(SipUdpClient caller, TestControl control, int i) throws Exception {
        caller.request("INVITE", "a", 1, "inv" + i, null, null, OFFER);
        ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
        control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
        SipMessage ok = caller.finalResponse(WAIT);
        assertEquals(200, ok.status(), ok.raw());
        String toTag = ok.header("To").replaceAll(".*;tag=", "");
        caller.request("ACK", "a", 1, "ack" + i, toTag, null, null);
        return toTag;
    }

    private static int status(int port, String path) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static String state(TestDb db, String nodeId) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
             java.sql.PreparedStatement s = c.prepareStatement("SELECT state FROM media_nodes WHERE node_id = ?")) {
            s.setString(1, nodeId);
            try (java.sql.ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
