package dev.patchbay.admin.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.admin.testing.ApiClient.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local default: an H2 file under patchbay.var, a generated key, the demo seed. */
class H2SmokeTest {

    @TempDir
    Path var;

    @Test
    void localModeOnAnH2File() throws Exception {
        Map<String, String> settings = Map.of(
                "patchbay.admin.server.host", "127.0.0.1",
                "patchbay.admin.server.port", "0",
                "patchbay.var", var.toString(),
                "patchbay.db.connection.url", "jdbc:h2:file:" + var.resolve("db/patchbay") + ";AUTO_SERVER=TRUE;DATABASE_TO_LOWER=TRUE");
        String key;
        try (AdminApi api = AdminApi.start(AdminApi.config(settings))) {
            key = Files.readString(var.resolve("admin-key")).strip();
            ApiClient client = new ApiClient(api.port(), key);
            assertEquals(200, client.withKey(null).get("/health").status());
            assertEquals(200, client.withKey(null).get("/health/live").status());
            Reply ready = client.withKey(null).get("/health/ready");
            assertEquals(200, ready.status(), "the database answers: ready " + ready);
            assertEquals("UP", ready.json().path("status").asText());
            Reply dids = client.get("/v1/workspaces/ws_demo/dids");
            assertEquals(200, dids.status(), dids.toString());
            assertEquals(List.of("echo"), dids.json().path("items").findValuesAsText("number"));

            String ws = client.post("/v1/workspaces", "{\"name\":\"On H2\"}").json().path("id").asText();
            String bot = client.post("/v1/workspaces/" + ws + "/bots",
                    "{\"name\":\"W\",\"kind\":\"wss\",\"url\":\"wss://bot.example\"}").json().path("id").asText();
            Reply did = client.post("/v1/workspaces/" + ws + "/dids", "{\"number\":\"0033123456789\",\"bot_id\":\"" + bot + "\"}");
            assertEquals(201, did.status(), did.toString());
            assertEquals("+33123456789", did.json().path("number").asText());
            // The constraint outcomes must map the same way on H2 as on PostgreSQL.
            Reply taken = client.post("/v1/workspaces/" + ws + "/dids", "{\"number\":\"echo\",\"bot_id\":\"" + bot + "\"}");
            assertEquals(409, taken.status(), taken.toString());
            Reply inUse = client.delete("/v1/workspaces/" + ws + "/bots/" + bot);
            assertEquals(409, inUse.status(), inUse.toString());

            // Keys, trunks and the webhook secret run the same named statements on H2 (COALESCE on revoke included).
            String keys = "/v1/workspaces/" + ws + "/api-keys";
            String keyId = client.post(keys, "{\"name\":\"k\"}").json().path("id").asText();
            assertEquals(204, client.delete(keys + "/" + keyId).status());
            assertEquals(204, client.delete(keys + "/" + keyId).status());
            assertFalse(client.get(keys + "/" + keyId).json().path("revoked_at").isNull());
            Reply trunk = client.post("/v1/workspaces/" + ws + "/trunks",
                    "{\"name\":\"t\",\"host\":\"carrier.example\",\"username\":\"u\",\"password\":\"p\"}");
            assertEquals(201, trunk.status(), trunk.toString());
            assertTrue(trunk.json().path("has_password").asBoolean(), trunk.body());

            // An agent session's credit: double-entry rows and the wallet lock on H2 as on PostgreSQL.
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(settings.get("patchbay.db.connection.url"),
                    "sa", ""); java.sql.Statement st = c.createStatement()) {
                st.execute("INSERT INTO agent_sessions (id, workspace_id, agent_id, session_type, token_sha256, privacy_mode,"
                        + " currency, calls_per_hour, max_call_duration, created_at, expires_at) VALUES ('sess_h2', '" + ws
                        + "', 'a', 'guest', 'h2', TRUE, 'USD', 20, 3600, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                // The console's call queries (null workspace, LIKE, keyset) as ./patchbay up runs them, on H2.
                st.execute("INSERT INTO calls (id, workspace_id, direction, status, from_number, to_number, media_node,"
                        + " created_at) VALUES ('CAh2', '" + ws + "', 'inbound', 'ringing', '+33123456789', 'echo', 'n1',"
                        + " CURRENT_TIMESTAMP)");
            }
            assertEquals(List.of("CAh2"), client.get("/v1/calls?number=3312&limit=1").json().path("items").findValuesAsText("id"));
            assertEquals(List.of("CAh2"), client.get("/v1/live-calls?workspace_id=" + ws).json().path("items").findValuesAsText("id"));
            assertEquals(200, client.get("/v1/workspaces/" + ws + "/calls/CAh2").status());
            assertEquals(200, client.get("/v1/media-nodes").status());
            Reply credit = client.post("/v1/workspaces/" + ws + "/agent-sessions/sess_h2/credits",
                    "{\"amount\":\"2.50\",\"idempotency_key\":\"h2\"}");
            assertEquals(201, credit.status(), credit.toString());
            assertEquals(2.5, credit.json().path("balance_after").path("value").asDouble());
            assertEquals(200, client.post("/v1/workspaces/" + ws + "/agent-sessions/sess_h2/credits",
                    "{\"amount\":\"2.50\",\"idempotency_key\":\"h2\"}").status());
            assertEquals(204, client.delete("/v1/workspaces/" + ws + "/trunks/" + trunk.json().path("id").asText()).status());
            assertEquals(200, client.post("/v1/workspaces/" + ws + "/webhook-secret", "").status());
            assertEquals(1, client.get("/v1/workspaces/ws_demo/api-keys").json().path("items").size());
        }
        String demoKey = Files.readString(var.resolve("demo-api-key"));
        // A second start reuses the key file and adds no second demo.
        try (AdminApi api = AdminApi.start(AdminApi.config(settings))) {
            assertEquals(key, Files.readString(var.resolve("admin-key")).strip());
            Reply list = new ApiClient(api.port(), key).get("/v1/workspaces");
            assertEquals(List.of("ws_demo"), list.json().path("items").findValuesAsText("id").stream()
                    .filter(id -> id.equals("ws_demo")).toList());
            assertEquals(2, list.json().path("items").size(), list.body());
        }
        assertEquals(demoKey, Files.readString(var.resolve("demo-api-key")), "the demo API key is kept across starts");
    }

    @Test
    void h2WithUpperCaseNamesStillWorks() throws Exception {
        Map<String, String> settings = Map.of(
                "patchbay.admin.server.host", "127.0.0.1",
                "patchbay.admin.server.port", "0",
                "patchbay.admin.key", "k".repeat(32),
                "patchbay.var", var.toString(),
                "patchbay.db.connection.url", "jdbc:h2:file:" + var.resolve("upper"));
        try (AdminApi api = AdminApi.start(AdminApi.config(settings))) {
            Reply bot = new ApiClient(api.port(), "k".repeat(32)).get("/v1/workspaces/ws_demo/bots/bot_echo");
            assertEquals(200, bot.status(), bot.toString());
            assertTrue(bot.json().path("url").isNull(), bot.body());
        }
    }
}
