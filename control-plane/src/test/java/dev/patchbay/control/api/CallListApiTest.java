package dev.patchbay.control.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.recording.RecordingLinks;
import dev.patchbay.control.recording.RecordingsApi;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.rest.Problems;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /v1/calls} over real HTTP on PostgreSQL: workspace scope, cursor paging, status and time filters. */
class CallListApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-02-05T12:00:00Z");
    private static final String[] STATUSES = {"completed", "failed", "busy", "in-progress"};
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestDb db;
    private static DbClient client;
    private static WebServer server;
    /** ws_a's call ids, newest first (as the list orders them). */
    private static final List<String> NEWEST_FIRST = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        db = new TestDb();
        Migrations.migrate(db.settings());
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            for (String ws : new String[] {"ws_a", "ws_b"}) {
                s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('" + ws + "', 'W', TRUE, CURRENT_TIMESTAMP)");
                s.execute("INSERT INTO api_keys (id, workspace_id, name, secret_sha256, created_at) VALUES ('key_" + ws + "', '"
                        + ws + "', 't', '" + HexFormat.of().formatHex(ApiKeyAuth.sha256("secret-" + ws)) + "', CURRENT_TIMESTAMP)");
            }
            // 12 calls of ws_a, one a minute, and calls 6 and 7 at the same instant (the id breaks the tie);
            // ws_b's calls are interleaved and must never show.
            for (int i = 0; i < 12; i++) {
                Instant at = T0.plusSeconds(60L * (i == 7 ? 6 : i));
                insert(s, String.format("CA%02d", i), "ws_a", STATUSES[i % STATUSES.length], at);
                insert(s, String.format("CB%02d", i), "ws_b", "completed", at);
            }
        }
        // CA07 and CA06 share an instant: the larger id comes first, so index order is the list's order.
        for (int i = 11; i >= 0; i--) {
            NEWEST_FIRST.add(String.format("CA%02d", i));
        }
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", db.url(),
                        "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD)))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
        client = DbClient.create(config.get("patchbay.db"));
        ApiKeyAuth auth = new ApiKeyAuth(new Tenants(client));
        CallStore store = new CallStore(client, Clock.systemUTC());
        CallsApi api = new CallsApi(store, null, null, null, new RecordingsApi(new RecordingLinks(new byte[32],
                Duration.ofHours(1), () -> "http://127.0.0.1", Clock.systemUTC()), store, new MediaNodes(List.of())));
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> {
                    Problems.install(r, "control-plane", Logger.getLogger("test"));
                    r.addFilter(auth);
                    api.routing(r);
                })
                .build().start();
    }

    private static void insert(Statement s, String id, String ws, String status, Instant at) throws Exception {
        s.execute("INSERT INTO calls (id, workspace_id, direction, status, from_number, to_number, media_node, created_at)"
                + " VALUES ('" + id + "', '" + ws + "', 'outbound', '" + status + "', '+12025551000', '+14155551234',"
                + " 'node-1', TIMESTAMP WITH TIME ZONE '" + at + "')");
    }

    @AfterAll
    static void stop() {
        server.stop();
        client.close();
        db.close();
    }

    private static HttpResponse<String> get(String query, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/calls" + query));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode page(String query) throws Exception {
        HttpResponse<String> r = get(query, "key_ws_a.secret-ws_a");
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("calls").forEach(c -> ids.add(c.get("call_id").asText()));
        return ids;
    }

    @Test
    void pagesThroughTheWorkspacesCallsNewestFirstWithoutGapsOrRepeats() throws Exception {
        List<String> seen = new ArrayList<>();
        String query = "?limit=5";
        int pages = 0;
        while (true) {
            JsonNode p = page(query);
            pages++;
            seen.addAll(ids(p));
            if (!p.get("has_more").asBoolean()) {
                assertTrue(p.get("next_cursor").isNull());
                break;
            }
            query = "?limit=5&cursor=" + p.get("next_cursor").asText();
        }
        assertEquals(3, pages);
        assertEquals(NEWEST_FIRST, seen);
        assertEquals(NEWEST_FIRST, ids(page("")), "the default limit (50) takes all 12");
    }

    @Test
    void filtersByStatusAndCreationTime() throws Exception {
        assertEquals(List.of("CA09", "CA08", "CA05", "CA04", "CA01", "CA00"), ids(page("?status=completed,failed")));
        assertEquals(List.of("CA03", "CA02"), ids(page("?created_after=2026-02-05T12:02:00Z&created_before=2026-02-05T12:04:00Z")));
        assertEquals(List.of("CA07", "CA06"), ids(page("?created_after=2026-02-05T12:06:00Z&created_before=2026-02-05T12:06:00.001Z")));
        JsonNode one = page("?status=busy&limit=1");
        assertEquals(List.of("CA10"), ids(one));
        JsonNode rest = page("?status=busy&limit=1&cursor=" + one.get("next_cursor").asText());
        assertEquals(List.of("CA06"), ids(rest), "the cursor keeps the filter's order");
    }

    @Test
    void namesEveryBadParameterAndNeedsAKey() throws Exception {
        HttpResponse<String> bad = get("?status=done&limit=0&cursor=nope&created_after=yesterday&page=2", "key_ws_a.secret-ws_a");
        assertEquals(422, bad.statusCode(), bad.body());
        assertEquals("application/problem+json", bad.headers().firstValue("Content-Type").orElseThrow());
        Set<String> fields = new TreeSet<>();
        JSON.readTree(bad.body()).get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertEquals(new TreeSet<>(List.of("status", "limit", "cursor", "created_after", "page")), fields);
        assertEquals(422, get("?limit=201", "key_ws_a.secret-ws_a").statusCode());
        assertEquals(401, get("", null).statusCode());
        HttpResponse<String> other = get("?limit=200", "key_ws_b.secret-ws_b");
        JsonNode b = JSON.readTree(other.body());
        assertEquals(12, b.get("calls").size());
        b.get("calls").forEach(c -> assertTrue(c.get("call_id").asText().startsWith("CB"), c.toString()));
        assertFalse(b.get("has_more").asBoolean());
    }
}
