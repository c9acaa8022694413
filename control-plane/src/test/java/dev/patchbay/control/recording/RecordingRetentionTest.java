package dev.patchbay.control.recording;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.media.app.MediaConfig;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retention sweep on PostgreSQL against a real media-plane: old recordings lose their URL at once
 * and their file on the node; recent ones stay; a file whose node is not connected waits in the queue.
 */
class RecordingRetentionTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final String OLD = "CA" + "01".repeat(16);
    private static final String RECENT = "CA" + "02".repeat(16);
    private static final String ELSEWHERE = "CA" + "03".repeat(16);

    @Test
    void oldRecordingsGoRecentOnesStayAndAnUnreachableNodesFileWaits() throws Exception {
        TestDb db = new TestDb();
        Migrations.migrate(db.settings());
        Path recordings = Files.createTempDirectory("patchbay-rec");
        int rtpBase = Ports.rtpBase(20);
        MediaConfig d = MediaConfig.defaults();
        try (MediaPlane media = MediaPlane.start(d.withSipHost("127.0.0.1").withSipPort(Ports.freeUdpAndTcp())
                .withSipThreads(2).withRtpHost("127.0.0.1").withRtpPorts(rtpBase, rtpBase + 19).withMediaLoops(1)
                .withGrpcHost("127.0.0.1").withGrpcPort(0).withObservePort(0).withDrainTimeout(Duration.ofSeconds(1))
                .withTls(d.tls().withPort(0)).withRecordings(recordings))) {
            String node = "127.0.0.1:" + media.grpcPort();
            sql(db, "INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_r', 'W', TRUE, CURRENT_TIMESTAMP)");
            call(db, OLD, node, NOW.minus(Duration.ofDays(31)));
            call(db, RECENT, node, NOW.minus(Duration.ofDays(29)));
            call(db, ELSEWHERE, "10.9.9.9:9090", NOW.minus(Duration.ofDays(40)));
            for (String id : new String[] {OLD, RECENT}) {
                Files.write(recordings.resolve(id + ".wav"), new byte[44]);
            }
            ManagedChannel channel = ManagedChannelBuilder.forTarget(node).usePlaintext().build();
            DbClient client = DbClient.create(Config.builder().disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", db.url(),
                            "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD)))
                    .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                    .build().get("patchbay.db"));
            try {
                RecordingRetention retention = new RecordingRetention(client, Duration.ofDays(30),
                        n -> n.equals(node) ? Optional.<Channel>of(channel) : Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC));

                RecordingRetention.Swept swept = retention.sweep();

                assertEquals(new RecordingRetention.Swept(2, 1, 1), swept, "two expired; one deleted, one waits for its node");
                assertNull(value(db, "SELECT recording_url FROM calls WHERE id = '" + OLD + "'"));
                assertNull(value(db, "SELECT recording_url FROM calls WHERE id = '" + ELSEWHERE + "'"),
                        "the URL goes at once even while the file waits");
                assertEquals("/rec/" + RECENT + ".wav", value(db, "SELECT recording_url FROM calls WHERE id = '" + RECENT + "'"));
                assertFalse(Files.exists(recordings.resolve(OLD + ".wav")));
                assertTrue(Files.exists(recordings.resolve(RECENT + ".wav")));
                assertEquals(ELSEWHERE, value(db, "SELECT call_id FROM recording_deletions"));

                assertEquals(new RecordingRetention.Swept(0, 0, 1), retention.sweep(), "nothing new; the waiting one still waits");
                RecordingRetention.Swept kept = new RecordingRetention(client, Duration.ZERO, n -> Optional.<Channel>of(channel),
                        Clock.fixed(NOW.plus(Duration.ofDays(365)), ZoneOffset.UTC)).sweep();
                assertEquals(0, kept.expired(), "zero retention keeps recordings forever");
                assertTrue(Files.exists(recordings.resolve(RECENT + ".wav")));
            } finally {
                channel.shutdownNow();
                client.close();
            }
        }
    }

    private static void call(TestDb db, String id, String node, Instant ended) throws SQLException {
        sql(db, "INSERT INTO calls (id, workspace_id, direction, status, from_number, to_number, media_node, created_at, "
                + "ended_at, recording_url) VALUES ('" + id + "', 'ws_r', 'outbound', 'completed', '+1', '+2', '" + node
                + "', TIMESTAMP WITH TIME ZONE '" + ended + "', TIMESTAMP WITH TIME ZONE '" + ended + "', '/rec/" + id + ".wav')");
    }

    private static void sql(TestDb db, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    private static String value(TestDb db, String query) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            return r.next() ? r.getString(1) : null;
        }
    }
}
