package dev.patchbay.admin.app;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.patchbay.admin.store.DbTenantRepository;
import dev.patchbay.admin.tenant.DemoSeed;
import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.PostgresSchema;
import dev.patchbay.admin.testing.TestApi;
import dev.patchbay.startup.StartupException;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedTest {

    @TempDir
    Path var;

    private PostgresSchema db;
    private Map<String, String> local;

    @BeforeEach
    void schema() {
        db = PostgresSchema.create();
        local = Map.of("patchbay.local", "true", "patchbay.demo.seed", "true", "patchbay.var", var.toString());
    }

    @AfterEach
    void drop() {
        db.close();
    }

    @Test
    void localStartSeedsTheEchoDemo() throws StartupException {
        try (AdminApi api = AdminApi.start(TestApi.config(db, local))) {
            ApiClient client = new ApiClient(api.port(), TestApi.KEY);
            Reply ws = client.get("/v1/workspaces/ws_demo");
            assertEquals(200, ws.status(), ws.toString());
            assertEquals("Demo", ws.json().path("name").asText());
            Reply bot = client.get("/v1/workspaces/ws_demo/bots/bot_echo");
            assertEquals("echo", bot.json().path("kind").asText());
            assertEquals("Echo", bot.json().path("name").asText());
            Reply did = client.get("/v1/workspaces/ws_demo/dids/did_echo");
            assertEquals("echo", did.json().path("number").asText());
            assertEquals("bot_echo", did.json().path("bot_id").asText());
        }
    }

    @Test
    void seedingTwiceLeavesOneRowEach() throws StartupException {
        Config config = TestApi.config(db, local);
        try (AdminApi first = AdminApi.start(config)) {
            first.port();
        }
        try (AdminApi second = AdminApi.start(config)) {
            second.port();
        }
        try (DbClient client = DbClient.create(config.get("patchbay.db"))) {
            DemoSeed.ensure(new DbTenantRepository(client), Clock.systemUTC());
        }
        assertEquals(1, db.count("SELECT COUNT(*) FROM workspaces"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM bots"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM dids"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM api_keys"));
    }

    @Test
    void localStartWritesAWorkingDemoApiKeyReadableOnlyByItsOwner() throws Exception {
        try (AdminApi api = AdminApi.start(TestApi.config(db, local))) {
            api.port();
        }
        Path file = var.resolve("demo-api-key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String token = Files.readString(file).strip();
        assertTrue(token.matches("key_[0-9A-Za-z]{20}\\.[A-Za-z0-9_-]{43}"), token);
        String id = token.substring(0, token.indexOf('.'));
        String secret = token.substring(token.indexOf('.') + 1);
        // What the control-plane's ApiKeyAuth compares: hex SHA-256 of the secret, for a live key of ws_demo.
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, db.count("SELECT COUNT(*) FROM api_keys WHERE id = '" + id + "' AND workspace_id = 'ws_demo'"
                + " AND secret_sha256 = '" + hash + "' AND revoked_at IS NULL"));
        assertFalse(Files.list(var).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
    }

    @Test
    void demoApiKeyIsKeptAcrossStarts() throws Exception {
        Config config = TestApi.config(db, local);
        try (AdminApi first = AdminApi.start(config)) {
            first.port();
        }
        String token = Files.readString(var.resolve("demo-api-key"));
        try (AdminApi second = AdminApi.start(config)) {
            second.port();
        }
        assertEquals(token, Files.readString(var.resolve("demo-api-key")));
        assertEquals(1, db.count("SELECT COUNT(*) FROM api_keys"));
    }

    @Test
    void aDemoKeyFileThatNoLongerWorksIsReplaced() throws Exception {
        Config config = TestApi.config(db, local);
        try (AdminApi first = AdminApi.start(config)) {
            ApiClient client = new ApiClient(first.port(), TestApi.KEY);
            String token = Files.readString(var.resolve("demo-api-key")).strip();
            assertEquals(204, client.delete("/v1/workspaces/ws_demo/api-keys/" + token.substring(0, token.indexOf('.'))).status());
        }
        String revoked = Files.readString(var.resolve("demo-api-key"));
        try (AdminApi second = AdminApi.start(config)) {
            second.port();
        }
        String fresh = Files.readString(var.resolve("demo-api-key"));
        assertNotEquals(revoked, fresh);
        assertEquals(1, db.count("SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL AND id = '"
                + fresh.substring(0, fresh.indexOf('.')) + "'"));
    }

    @Test
    void platformModeDoesNotSeed() throws StartupException {
        try (AdminApi api = AdminApi.start(TestApi.config(db, Map.of("patchbay.demo.seed", "true",
                "patchbay.var", var.toString())))) {
            assertEquals(404, new ApiClient(api.port(), TestApi.KEY).get("/v1/workspaces/ws_demo").status());
        }
        assertEquals(0, db.count("SELECT COUNT(*) FROM workspaces"));
        assertFalse(Files.exists(var.resolve("demo-api-key")), "no demo key outside local mode");
    }

    @Test
    void seedLeavesAnOperatorsEchoNumberAlone() throws StartupException {
        String ownBot;
        try (AdminApi api = AdminApi.start(TestApi.config(db, Map.of()))) {
            ApiClient client = new ApiClient(api.port(), TestApi.KEY);
            String ws = client.post("/v1/workspaces", "{\"name\":\"Mine\"}").json().path("id").asText();
            ownBot = client.post("/v1/workspaces/" + ws + "/bots", "{\"name\":\"B\",\"kind\":\"echo\"}").json().path("id").asText();
            assertEquals(201, client.post("/v1/workspaces/" + ws + "/dids", "{\"number\":\"echo\",\"bot_id\":\"" + ownBot + "\"}").status());
        }
        try (AdminApi api = AdminApi.start(TestApi.config(db, local))) {
            api.port();
        }
        assertEquals(List.of(1L, 0L), List.of(
                db.count("SELECT COUNT(*) FROM dids WHERE number = 'echo' AND bot_id = '" + ownBot + "'"),
                db.count("SELECT COUNT(*) FROM dids WHERE id = 'did_echo'")));
        assertEquals(1, db.count("SELECT COUNT(*) FROM bots WHERE id = 'bot_echo'"));
    }
}
