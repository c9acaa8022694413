package dev.patchbay.control.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

    private static Config config(TestDb db, Path dir, int grpcPort) {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of(
                        "patchbay.db.connection.url", db.url(),
                        "patchbay.db.connection.username", TestDb.USER,
                        "patchbay.db.connection.password", TestDb.PASSWORD,
                        "patchbay.control.server.host", "127.0.0.1",
                        "patchbay.control.server.port", "0",
                        "patchbay.control.media.nodes", "127.0.0.1:" + grpcPort,
                        "patchbay.var", dir.toString())))
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
