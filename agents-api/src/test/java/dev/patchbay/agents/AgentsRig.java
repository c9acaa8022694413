package dev.patchbay.agents;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.api.ApiKeyAuth;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.rest.Problems;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.webserver.WebServer;

/**
 * The agents' API on a real HTTP port over a fresh PostgreSQL schema, with two workspaces
 * ({@code ws_a}, {@code ws_b}) that each have an API key, and a clock the test can move.
 */
final class AgentsRig implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY_A = "key_ws_a.secret-ws_a";
    static final String KEY_B = "key_ws_b.secret-ws_b";

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-02-05T12:00:00Z"));
    final TestDb db;
    final DbClient client;
    final AgentsApi api;
    final WebServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    /** One HTTP answer: status, headers and the JSON body. */
    record Answer(int status, java.net.http.HttpHeaders headers, JsonNode body) { }

    AgentsRig(Map<String, String> overrides) throws Exception {
        db = new TestDb();
        Migrations.migrate(db.settings());
        for (String ws : new String[] {"ws_a", "ws_b"}) {
            sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('" + ws + "', 'W', TRUE, CURRENT_TIMESTAMP)");
            sql("INSERT INTO api_keys (id, workspace_id, name, secret_sha256, created_at) VALUES ('key_" + ws + "', '" + ws
                    + "', 't', '" + HexFormat.of().formatHex(ApiKeyAuth.sha256("secret-" + ws)) + "', CURRENT_TIMESTAMP)");
        }
        Map<String, String> settings = new HashMap<>(Map.of("patchbay.db.connection.url", db.url(),
                "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD));
        settings.putAll(overrides);
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(settings))
                .addSource(ConfigSources.file(Path.of("../control-plane/src/main/resources/application.yaml")))
                .build();
        client = DbClient.create(config.get("patchbay.db"));
        Clock clock = new dev.patchbay.control.testing.SteerableClock(now);
        ApiKeyAuth auth = new ApiKeyAuth(new Tenants(client));
        dev.patchbay.control.store.CallStore calls = new dev.patchbay.control.store.CallStore(client, clock);
        dev.patchbay.control.media.MediaNodes nodes = new dev.patchbay.control.media.MediaNodes(java.util.List.of());
        dev.patchbay.schema.SecretBox secrets = new dev.patchbay.schema.SecretBox(new byte[32]);
        dev.patchbay.control.delivery.SsrfGuard guard = new dev.patchbay.control.delivery.SsrfGuard(
                dev.patchbay.control.delivery.OutboundPolicy.from(config));
        // No media node: the calls part answers 503 here; calls are tested end to end in the e2e module.
        api = new AgentsApi(config, new AgentsApi.Deps(client, auth, calls,
                new dev.patchbay.control.call.OutboundDialer(calls, new Tenants(client), nodes, secrets),
                new dev.patchbay.control.call.CallActions(calls, nodes), guard,
                new dev.patchbay.control.delivery.Outbox(client, clock), null, secrets, call -> java.util.Optional.empty(),
                dev.patchbay.agents.ai.LivePlayer.NONE, new dev.patchbay.control.recording.Recordings(new dev.patchbay.control.recording.RecordingLinks(
                        new byte[32], java.time.Duration.ofHours(1), () -> "http://127.0.0.1", clock), nodes), "test-replica", clock));
        server = WebServer.builder().host("127.0.0.1").port(0).maxPayloadSize(64 * 1024)
                .directHandlers(Problems.beforeRouting(64 * 1024, "control-plane"))
                .routing(r -> {
                    Problems.install(r, "control-plane", Logger.getLogger("test"));
                    api.routing(r);
                })
                .addRouting(api.wsRouting())
                .build().start();
    }

    void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    long count(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The first column of the first row, as text. */
    String one(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getString(1);
        }
    }

    Answer call(String method, String path, String bearer, String agentId, String body) throws Exception {
        return call(method, path, bearer, agentId, body, Map.of());
    }

    /** The same with extra request headers (X-Forwarded-For). */
    Answer call(String method, String path, String bearer, String agentId, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (agentId != null) {
            b.header("X-Agent-ID", agentId);
        }
        headers.forEach(b::header);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()));
    }

    /**
     * Credits a wallet as the admin-api's grant does (that route is tested in admin-api's
     * AgentCreditApiTest): one balanced transaction from funding to available.
     */
    void grant(String sessionId, long micros) throws Exception {
        String txn = "txn_grant_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        if (count("SELECT COUNT(*) FROM wallet_accounts WHERE session_id = '" + sessionId + "'") == 0) {
            for (String account : new String[] {"funding", "available", "reserved", "spent"}) {
                sql("INSERT INTO wallet_accounts (session_id, account, balance_micros) VALUES ('" + sessionId + "', '"
                        + account + "', 0)");
            }
        }
        long after = count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + sessionId
                + "' AND account = 'available'") + micros;
        sql("INSERT INTO wallet_ledger (id, session_id, kind, amount_micros, balance_after_micros, minutes, provider,"
                + " created_at) VALUES ('" + txn + "', '" + sessionId + "', 'credit', " + micros + ", " + after
                + ", 0, 'admin', CURRENT_TIMESTAMP)");
        for (String[] move : new String[][] {{"funding", Long.toString(-micros)}, {"available", Long.toString(micros)}}) {
            sql("INSERT INTO wallet_entries (txn_id, session_id, account, amount_micros, created_at) VALUES ('" + txn
                    + "', '" + sessionId + "', '" + move[0] + "', " + move[1] + ", CURRENT_TIMESTAMP)");
            sql("UPDATE wallet_accounts SET balance_micros = balance_micros + " + move[1] + " WHERE session_id = '"
                    + sessionId + "' AND account = '" + move[0] + "'");
        }
    }

    /** A new guest session of {@code agent} in workspace A. */
    JsonNode session(String agent) throws Exception {
        Answer a = call("POST", "/api/v1/sessions/create", KEY_A, agent,
                "{\"session_type\":\"guest\",\"user_consent\":{\"calling_authorized\":true,\"currency\":\"USD\"}}");
        if (a.status() != 201) {
            throw new AssertionError("session create answered " + a.status() + " " + a.body());
        }
        return a.body();
    }

    @Override
    public void close() {
        server.stop();
        client.close();
        db.close();
    }
}
