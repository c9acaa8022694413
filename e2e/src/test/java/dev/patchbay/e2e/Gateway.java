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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.control.app.ControlPlane;
import dev.patchbay.media.app.MediaConfig;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * A media-plane and a control-plane on loopback against a fresh PostgreSQL schema, configured from
 * their shipped application.yaml plus test overrides. Tests add tenants with plain SQL.
 */
final class Gateway implements AutoCloseable {

    static final String SECRETS_KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    final TestDb db = new TestDb();
    final Path var;
    final int sipPort;
    /** SIP over TLS with local mode's self-signed certificate; 0 when off. */
    final int tlsPort;
    final MediaPlane media;
    private final Map<String, String> controlOverrides;
    ControlPlane control;
    /** The admin-api, started on first use (credits to agents' wallets come only through it). */
    private dev.patchbay.admin.app.AdminApi admin;
    static final String ADMIN_KEY = "e2e-operator-key-0123456789abcdef";

    Gateway(Map<String, String> controlOverrides) throws Exception {
        this(controlOverrides, false);
    }

    Gateway(Map<String, String> controlOverrides, boolean tls) throws Exception {
        this(controlOverrides, tls, Duration.ofSeconds(5));
    }

    /**
     * With the media-plane's route timeout at {@code routeTimeout}: on a two-core box under a load of 30
     * routing 50 calls took longer than 5 s each, and the chaos runs are about what follows the set-up.
     */
    Gateway(Map<String, String> controlOverrides, boolean tls, Duration routeTimeout) throws Exception {
        this.controlOverrides = controlOverrides;
        Migrations.migrate(db.settings());
        var = Files.createTempDirectory("patchbay-var");
        sipPort = Ports.freeUdpAndTcp();
        tlsPort = tls ? Ports.freeUdpAndTcp() : 0;
        int rtpBase = Ports.rtpBase(200);
        MediaConfig d = MediaConfig.defaults();
        media = MediaPlane.start(d.withSipHost("127.0.0.1").withSipPort(sipPort).withSipThreads(4)
                .withRtpHost("127.0.0.1").withRtpPorts(rtpBase, rtpBase + 199).withMediaLoops(1)
                .withGrpcHost("127.0.0.1").withGrpcPort(0).withObservePort(0)
                .withRouteTimeout(routeTimeout).withRingTimeout(Duration.ofSeconds(10)).withAckTimeout(Duration.ofSeconds(10))
                .withDrainTimeout(Duration.ofSeconds(2)).withTls(tls ? d.tls().withPort(tlsPort).withVar(var) : d.tls().withPort(0))
                .withRecordings(Files.createTempDirectory("patchbay-rec")));
        startControl();
    }

    /** (Re)starts the control-plane, e.g. after a test killed it mid-call. */
    void startControl() {
        startControl(Map.of());
    }

    /** As above, with settings of this start only, e.g. another replica name. */
    void startControl(Map<String, String> extra) {
        Map<String, String> all = controlProcessProperties(Map.of("patchbay.control.server.port", "0"));
        all.putAll(controlOverrides);
        all.putAll(extra);
        control = ControlPlane.start(Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(all))
                .addSource(ConfigSources.file(Path.of("..", "control-plane", "src/main/resources/application.yaml")))
                .build());
    }

    /**
     * Waits until the control-plane's link is up and the media-plane has registered its Control stream:
     * the link reports connected a moment before the media-plane counts it, and an INVITE in between
     * gets 503 "no control-plane is connected".
     */
    void awaitConnected(Duration wait) throws InterruptedException {
        Await.until(() -> control.links().get(0).connected() && media.hub().connected() >= 1, wait,
                "the control-plane connected to the media-plane on both sides");
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

    /** The first column of the first row of {@code query}, or null when there is none. */
    String sqlValue(String query) {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
             Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery(query)) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row of {@code query} as a timestamp, or null when there is none. */
    java.time.Instant sqlInstant(String query) {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
             Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery(query)) {
            return r.next() && r.getTimestamp(1) != null ? r.getTimestamp(1).toInstant() : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a workspace with an API key; returns the Bearer token {@code <id>.<secret>}. */
    String workspaceWithKey(String workspace, boolean enabled) {
        String keyId = "key_" + workspace;
        String secret = "secret-of-" + workspace;
        String hash;
        try {
            hash = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('" + workspace + "', 'W', " + enabled
                        + ", CURRENT_TIMESTAMP)",
                "INSERT INTO api_keys (id, workspace_id, name, secret_sha256, created_at) VALUES ('" + keyId + "', '"
                        + workspace + "', 'test', '" + hash + "', CURRENT_TIMESTAMP)");
        return keyId + "." + secret;
    }

    /** A workspace whose calls go out over a trunk to a SIPp far end: its API key, the far end's port and SIPp's folder. */
    record FarEnd(String key, int port, Path dir) {
    }

    /** Adds an enabled workspace with an API key and a trunk to a free loopback port, for a SIPp far end there. */
    FarEnd farEnd(String workspace) throws IOException {
        int port = Ports.freeUdpAndTcp();
        String key = workspaceWithKey(workspace, true);
        trunk(workspace, port);
        return new FarEnd(key, port, Sipp.workDir());
    }

    void trunk(String workspace, int port) {
        sql("INSERT INTO trunks (id, workspace_id, name, host, port, transport, created_at) VALUES ('tr_" + workspace
                + "', '" + workspace + "', 'SIPp', '127.0.0.1', " + port + ", 'udp', CURRENT_TIMESTAMP)");
    }

    HttpResponse<String> http(String method, String path, String token, String json, String... headers) {
        // Only a guard against a hung request: 50 racing initiates on a loaded 2-core box took over 10 s.
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control.port() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The call's event types in order, read straight from the database. */
    java.util.List<String> eventTypes(String callId) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
             java.sql.PreparedStatement s = c.prepareStatement("SELECT type FROM call_events WHERE call_id = ? ORDER BY id")) {
            s.setString(1, callId);
            try (java.sql.ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The admin-api's port, started on first use over the same database (operator key {@link #ADMIN_KEY}). */
    int adminPort() {
        if (admin == null) {
            try {
                admin = dev.patchbay.admin.app.AdminApi.start(dev.patchbay.admin.app.AdminApi.config(Map.of(
                        "patchbay.db.connection.url", db.url(), "patchbay.db.connection.username", TestDb.USER,
                        "patchbay.db.connection.password", TestDb.PASSWORD, "patchbay.admin.server.host", "127.0.0.1",
                        "patchbay.admin.server.port", "0", "patchbay.admin.key", ADMIN_KEY, "patchbay.local", "false",
                        "patchbay.secrets.key", SECRETS_KEY, "patchbay.var", var.toString())));
            } catch (dev.patchbay.startup.StartupException e) {
                throw new IllegalStateException("admin-api did not start: " + e.getMessage(), e);
            }
        }
        return admin.port();
    }

    /**
     * Grants {@code amount} (a decimal string) to an agent session's wallet through the admin-api's
     * real route, as the operator; the answer is the admin-api's.
     */
    HttpResponse<String> grant(String workspace, String session, String amount, String idempotencyKey) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort() + "/v1/workspaces/" + workspace
                        + "/agent-sessions/" + session + "/credits"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"" + amount + "\",\"idempotency_key\":\""
                        + idempotencyKey + "\"}")).build();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201 && r.statusCode() != 200) {
                throw new AssertionError("the admin-api refused the grant: " + r.statusCode() + " " + r.body());
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a control-plane needs to join this gateway, in this JVM or as its own process ({@link ControlPlaneProcess}):
     * its database, var directory, secrets key and this media-plane; {@code extra} adds or overrides keys.
     */
    Map<String, String> controlProcessProperties(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(Map.of(
                "patchbay.db.connection.url", db.url(),
                "patchbay.db.connection.username", TestDb.USER,
                "patchbay.db.connection.password", TestDb.PASSWORD,
                "patchbay.var", var.toString(),
                "patchbay.secrets.key", SECRETS_KEY,
                "patchbay.control.server.host", "127.0.0.1",
                "patchbay.control.media.nodes", "127.0.0.1:" + media.grpcPort()));
        props.putAll(extra);
        return props;
    }

    void closeControl() {
        if (control != null) {
            control.close();
            control = null;
        }
    }

    @Override
    public void close() {
        closeControl();
        if (admin != null) {
            admin.close();
        }
        media.close();
        db.close();
    }
}
