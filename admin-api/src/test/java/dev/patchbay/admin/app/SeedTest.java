package dev.patchbay.admin.app;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import dev.patchbay.admin.store.DbTenantRepository;
import dev.patchbay.admin.tenant.DemoSeed;
import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.PostgresSchema;
import dev.patchbay.admin.testing.TestApi;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SeedTest {

    private static final Map<String, String> LOCAL = Map.of("patchbay.local", "true", "patchbay.demo.seed", "true");

    private PostgresSchema db;

    @BeforeEach
    void schema() {
        db = PostgresSchema.create();
    }

    @AfterEach
    void drop() {
        db.close();
    }

    @Test
    void localStartSeedsTheEchoDemo() throws StartupException {
        try (AdminApi api = AdminApi.start(TestApi.config(db, LOCAL))) {
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
        Config config = TestApi.config(db, LOCAL);
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
    }

    @Test
    void platformModeDoesNotSeed() throws StartupException {
        try (AdminApi api = AdminApi.start(TestApi.config(db, Map.of("patchbay.demo.seed", "true")))) {
            assertEquals(404, new ApiClient(api.port(), TestApi.KEY).get("/v1/workspaces/ws_demo").status());
        }
        assertEquals(0, db.count("SELECT COUNT(*) FROM workspaces"));
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
        try (AdminApi api = AdminApi.start(TestApi.config(db, LOCAL))) {
            api.port();
        }
        assertEquals(List.of(1L, 0L), List.of(
                db.count("SELECT COUNT(*) FROM dids WHERE number = 'echo' AND bot_id = '" + ownBot + "'"),
                db.count("SELECT COUNT(*) FROM dids WHERE id = 'did_echo'")));
        assertEquals(1, db.count("SELECT COUNT(*) FROM bots WHERE id = 'bot_echo'"));
    }
}
