package dev.patchbay.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.patchbay.control.app.ControlPlane;
import dev.patchbay.media.app.MediaConfig;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.registration.RegistrationSettings;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.SecretBox;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * A fleet on loopback against a fresh PostgreSQL schema: media-planes that register in
 * media_nodes (200 ms heartbeat), and control-plane replicas that find them only there (no static
 * list; 200 ms poll, 1 s lapse). Everything is closed with the rig.
 */
final class FleetRig implements AutoCloseable {

    static final Duration HEARTBEAT = Duration.ofMillis(200);
    static final Duration LAPSE = Duration.ofSeconds(1);

    final TestDb db = new TestDb();
    final Path var;
    private final List<AutoCloseable> open = new ArrayList<>();

    FleetRig() throws IOException {
        Migrations.migrate(db.settings());
        var = Files.createTempDirectory("patchbay-var");
    }

    MediaPlane node(String id, int capacity) throws Exception {
        return node(id, capacity, 0);
    }

    /** A node whose gRPC port is {@code grpcPort} (0 = any), e.g. to come back at the same address. */
    MediaPlane node(String id, int capacity, int grpcPort) throws Exception {
        return node(id, capacity, grpcPort, MediaConfig.defaults().fleet().registration());
    }

    /** A node that also holds trunk registrations: it opens their passwords with the rig's secrets key, polls every 200 ms. */
    MediaPlane registeringNode(String id) throws Exception {
        return node(id, 10, 0, MediaConfig.defaults().fleet().registration()
                .withBox(new SecretBox(Base64.getDecoder().decode(Gateway.SECRETS_KEY)))
                .withPoll(Duration.ofMillis(200), Duration.ofSeconds(1)));
    }

    private MediaPlane node(String id, int capacity, int grpcPort, RegistrationSettings registration) throws Exception {
        int rtpBase = Ports.rtpBase(100);
        MediaConfig d = MediaConfig.defaults();
        MediaPlane plane = MediaPlane.start(d.withSipHost("127.0.0.1").withSipPort(Ports.freeUdpAndTcp()).withSipThreads(4)
                .withRtpHost("127.0.0.1").withRtpPorts(rtpBase, rtpBase + 99).withMediaLoops(1)
                .withGrpcHost("127.0.0.1").withGrpcPort(grpcPort).withObservePort(0)
                .withRouteTimeout(Duration.ofSeconds(5)).withRingTimeout(Duration.ofSeconds(10)).withAckTimeout(Duration.ofSeconds(10))
                .withMaxCalls(capacity).withRtpTimeout(Duration.ofSeconds(60)).withDrainTimeout(Duration.ofSeconds(5))
                .withTls(d.tls().withPort(0)).withRecordings(Files.createTempDirectory("patchbay-rec"))
                .withFleet(d.fleet().withDb(db.settings()).withNodeId(id).withHeartbeat(HEARTBEAT).withRegistration(registration)));
        open.add(plane);
        return plane;
    }

    ControlPlane replica(String name) {
        Map<String, String> all = new HashMap<>(Map.of(
                "patchbay.db.connection.url", db.url(),
                "patchbay.db.connection.username", TestDb.USER,
                "patchbay.db.connection.password", TestDb.PASSWORD,
                "patchbay.var", var.toString(),
                "patchbay.secrets.key", Gateway.SECRETS_KEY,
                "patchbay.control.server.host", "127.0.0.1",
                "patchbay.control.server.port", "0",
                "patchbay.control.media.nodes", "",
                "patchbay.control.replica", name));
        all.putAll(Map.of("patchbay.control.media.poll", "PT0.2S", "patchbay.control.media.lapse", "PT1S",
                "patchbay.control.media.lost-claim", "PT10S", "patchbay.control.outbox.poll-interval", "200ms"));
        ControlPlane control = ControlPlane.start(Config.builder().disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(all))
                .addSource(ConfigSources.file(Path.of("..", "control-plane", "src/main/resources/application.yaml")))
                .build());
        open.add(control);
        return control;
    }

    /** True when {@code control} has a connected link to {@code plane}'s gRPC address. */
    static boolean connected(ControlPlane control, MediaPlane plane) {
        return control.links().stream().anyMatch(l -> l.node().equals(grpc(plane)) && l.connected());
    }

    static boolean knows(ControlPlane control, MediaPlane plane) {
        return control.links().stream().anyMatch(l -> l.node().equals(grpc(plane)));
    }

    static String grpc(MediaPlane plane) {
        return "127.0.0.1:" + plane.grpcPort();
    }

    void sql(String... statements) {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows of {@code query}, each as its columns in order, as strings. */
    List<List<String>> rows(String query) {
        return db.rows(query);
    }

    /** A workspace with an API key and an outbound trunk to {@code trunkPort}; returns the Bearer token. */
    String workspace(String ws, int trunkPort) {
        String secret = "secret-of-" + ws;
        String hash;
        try {
            hash = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('" + ws + "', 'W', true, CURRENT_TIMESTAMP)",
                "INSERT INTO api_keys (id, workspace_id, name, secret_sha256, created_at) VALUES ('key_" + ws + "', '"
                        + ws + "', 'test', '" + hash + "', CURRENT_TIMESTAMP)",
                "INSERT INTO trunks (id, workspace_id, name, host, port, transport, created_at) VALUES ('tr_" + ws + "', '"
                        + ws + "', 'SIPp', '127.0.0.1', " + trunkPort + ", 'udp', CURRENT_TIMESTAMP)");
        return "key_" + ws + "." + secret;
    }

    static HttpResponse<String> http(ControlPlane control, String method, String path, String token, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // the rest must still close
            }
        }
        db.close();
    }
}
