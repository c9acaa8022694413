package dev.patchbay.control.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.patchbay.media.app.MediaConfig;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm-up the process runs before it logs ready (issue 17): a burst of INVITEs right after it is
 * answered, not refused because the Control stream was still connecting, and the rehearsal leaves no
 * row behind while every real call keeps its row and events. Real PostgreSQL, a real media-plane, SIPp.
 */
class ControlPlaneWarmupTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int CALLS = 40;

    @Test
    void aBurstRightAfterWarmUpIsAnsweredAndEveryCallKeepsItsRowAndEvents() throws Exception {
        try (TestDb db = new TestDb()) {
            Migrations.migrate(db.settings());
            sql(db, "INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_w', 'W', TRUE, CURRENT_TIMESTAMP)",
                    "INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_w', 'ws_w', 'Echo', 'echo', CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('d_w', 'ws_w', 'warm', 'bot_w', CURRENT_TIMESTAMP)");
            int rtpBase = Ports.rtpBase(200);
            MediaConfig d = MediaConfig.defaults();
            try (MediaPlane media = MediaPlane.start(d.withSipHost("127.0.0.1").withSipPort(Ports.freeUdpAndTcp()).withSipThreads(4)
                    .withRtpHost("127.0.0.1").withRtpPorts(rtpBase, rtpBase + 199).withMediaLoops(1)
                    .withGrpcHost("127.0.0.1").withGrpcPort(0).withObservePort(0).withMaxCalls(200)
                    .withDrainTimeout(Duration.ofSeconds(2)).withTls(d.tls().withPort(0))
                    .withRecordings(Files.createTempDirectory("patchbay-rec")))) {
                Config config = config(db, Files.createTempDirectory("cp"), media.grpcPort());
                try (ControlPlane plane = ControlPlane.start(config)) {
                    Warmup.Report report = plane.warmUp(WarmupConfig.from(config));

                    assertEquals(1, report.nodesUp(), report.toString());
                    assertTrue(plane.links().getFirst().connected(), "the Control stream is up when warm-up returns");
                    assertEquals(1, media.hub().connected(), "the media-plane has its control-plane");
                    assertTrue(report.rounds() > 0 && report.numbers() == 1, report.toString());
                    assertEquals(WarmupConfig.from(config).connections(), report.connections(), report.toString());
                    assertEquals(0, count(db, "SELECT COUNT(*) FROM calls") + count(db, "SELECT COUNT(*) FROM call_events"),
                            "the rehearsal rolls its rows back");

                    Path work = Sipp.workDir();
                    Sipp.Result burst = Sipp.run(work, List.of("-sn", "uac", "-s", "warm", "-i", "127.0.0.1",
                            "-p", Integer.toString(Ports.freeUdpAndTcp()), "-r", "20", "-m", Integer.toString(CALLS), "-d", "200",
                            "127.0.0.1:" + media.sipPort()));
                    assertEquals(0, burst.exitCode(), "every call of the burst is answered: " + burst.output());
                    Await.until(() -> count(db, "SELECT COUNT(*) FROM calls WHERE status = 'completed'") == CALLS, WAIT,
                            () -> "every call's row completed: " + count(db, "SELECT COUNT(*) FROM calls WHERE status = 'completed'"));
                    // ringing, in-progress, completed: each call's log has its whole life.
                    assertEquals(CALLS, count(db, "SELECT COUNT(*) FROM (SELECT call_id FROM call_events GROUP BY call_id"
                            + " HAVING COUNT(DISTINCT type) >= 3) e"), "every call has its events");
                }
            }
        }
    }

    @Test
    void readinessWaitsForTheWarmUpWhichWaitsForTheMediaNodes() throws Exception {
        try (TestDb db = new TestDb(); ServerSocket nobody = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Config config = config(db, Files.createTempDirectory("cp"), nobody.getLocalPort(),
                    Map.of("patchbay.control.warmup.media-wait", "PT120S", "patchbay.control.warmup.rounds", "0"));
            try (ControlPlane plane = ControlPlane.start(config)) {
                assertEquals(200, ready(plane).statusCode(), "ready when nothing warms up (as every test starts it)");
                CompletableFuture<Warmup.Report> warm = new CompletableFuture<>();
                Thread warming = Thread.ofVirtual().start(() -> {
                    try {
                        warm.complete(plane.warmUp(WarmupConfig.from(config)));
                    } catch (InterruptedException | RuntimeException e) {
                        warm.completeExceptionally(e); // where the interrupt lands decides which
                    }
                });
                Await.until(() -> ready(plane).statusCode() == 503, WAIT, "/health/ready to say 503 while the warm-up waits for the node");
                HttpResponse<String> during = ready(plane);
                assertTrue(during.body().contains("warming up"), during.body());
                assertEquals("application/problem+json", during.headers().firstValue("Content-Type").orElse(""));
                warming.interrupt(); // the node never comes: stop waiting for it
                warming.join();
                assertTrue(warm.isDone(), "interrupted, the warm-up ends");
                assertEquals(200, ready(plane).statusCode(), "ready once the warm-up is over");
            }
        }
    }

    private static HttpResponse<String> ready(ControlPlane plane) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.port()
                    + "/health/ready")).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("GET /health/ready failed: " + e.getMessage(), e);
        }
    }

    private static Config config(TestDb db, Path dir, int grpcPort) {
        return config(db, dir, grpcPort, Map.of());
    }

    private static Config config(TestDb db, Path dir, int grpcPort, Map<String, String> more) {
        Map<String, String> keys = new HashMap<>(more);
        keys.putAll(Map.of(
                        "patchbay.db.connection.url", db.url(),
                        "patchbay.db.connection.username", TestDb.USER,
                        "patchbay.db.connection.password", TestDb.PASSWORD,
                        "patchbay.control.server.host", "127.0.0.1",
                        "patchbay.control.server.port", "0",
                        "patchbay.control.media.nodes", "127.0.0.1:" + grpcPort,
                        "patchbay.var", dir.toString()));
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(keys))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
    }

    private static void sql(TestDb db, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static long count(TestDb db, String query) {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(query + " failed: " + e.getMessage(), e);
        }
    }
}
