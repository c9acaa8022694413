package dev.patchbay.admin.app;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.TestApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every configuration change leaves who, what and when in audit_log, never a secret, and only on success. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditLogTest {

    private TestApi api;
    private String ws;
    private String base;

    @BeforeAll
    void start() {
        api = TestApi.start();
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @BeforeEach
    void freshWorkspace() {
        ws = api.client().post("/v1/workspaces", "{\"name\":\"Audited\"}").json().path("id").asText();
        base = "/v1/workspaces/" + ws;
    }

    @Test
    void recordsActorResourceActionAndDiff() {
        Reply key = api.client().post(base + "/admin-keys", "{\"name\":\"ops\"}");
        String keyId = key.json().path("id").asText();
        ApiClient asKey = api.client().withKey(key.json().path("key").asText());
        String bot = asKey.post(base + "/bots", "{\"name\":\"Sales\",\"kind\":\"echo\"}").json().path("id").asText();
        Reply ws1 = asKey.get(base);
        assertEquals(200, asKey.patch(base, "{\"name\":\"Renamed\"}", ws1.etag()).status());

        JsonNode items = asKey.get(base + "/audit-log").json().path("items");
        assertEquals(List.of("workspace:create", "admin_key:create", "bot:create", "workspace:update"), kinds(items));
        assertEquals(List.of("operator", "operator", keyId, keyId), items.findValuesAsText("actor"));
        JsonNode botEntry = items.get(2);
        assertEquals(bot, botEntry.path("resource_id").asText());
        assertEquals("Sales", botEntry.path("diff").path("name").get(1).asText());
        assertTrue(botEntry.path("diff").path("name").get(0).isNull());
        JsonNode rename = items.get(3).path("diff");
        assertEquals("[\"Audited\",\"Renamed\"]", rename.path("name").toString());
        assertEquals(List.of("name"), fieldNames(rename), "only what changed");
        assertFalse(items.get(0).path("created_at").asText().isEmpty());
    }

    @Test
    void secretsNeverReachTheLog() {
        Reply apiKey = api.client().post(base + "/api-keys", "{\"name\":\"crm\"}");
        api.client().post(base + "/trunks", "{\"name\":\"t\",\"host\":\"sip.example.com\",\"username\":\"u\","
                + "\"password\":\"trunk-PASSWORD-42\"}");
        String webhook = api.client().post(base + "/webhook-secret", "").json().path("webhook_secret").asText();
        Reply rotated = api.client().post(base + "/api-keys/" + apiKey.json().path("id").asText() + "/rotate", "");
        String all = api.client().get("/v1/audit-log?limit=200").body() + api.db().text(
                "SELECT STRING_AGG(diff, ' ') FROM audit_log WHERE workspace_id = '" + ws + "'");
        for (String secret : List.of(apiKey.json().path("key").asText(), rotated.json().path("key").asText(),
                "trunk-PASSWORD-42", webhook)) {
            String bare = secret.substring(secret.indexOf('.') + 1);
            assertFalse(all.contains(bare), "a secret is in the audit log: " + all);
        }
        assertTrue(all.contains("\"has_password\":[null,true]"), all);
        assertTrue(all.contains("webhook_secret"), "the rotation itself is recorded: " + all);
    }

    @Test
    void failedChangesRecordNothing() {
        long before = api.db().count("SELECT COUNT(*) FROM audit_log");
        assertEquals(422, api.client().post(base + "/bots", "{\"name\":\"x\",\"kind\":\"wss\"}").status());
        assertEquals(404, api.client().delete(base + "/dids/did_missing").status());
        assertEquals(428, api.client().patch(base, "{\"name\":\"y\"}", null).status());
        assertEquals(412, api.client().patch(base, "{\"name\":\"y\"}", "\"stale\"").status());
        assertEquals(before, api.db().count("SELECT COUNT(*) FROM audit_log"));
    }

    @Test
    void workspaceLogShowsOnlyThatWorkspaceAndPagesLikeEveryList() {
        String other = api.client().post("/v1/workspaces", "{\"name\":\"Other\"}").json().path("id").asText();
        api.client().post("/v1/workspaces/" + other + "/bots", "{\"name\":\"theirs\",\"kind\":\"echo\"}");
        for (int i = 0; i < 3; i++) {
            api.client().post(base + "/bots", "{\"name\":\"b" + i + "\",\"kind\":\"echo\"}");
        }
        Reply page1 = api.client().get(base + "/audit-log?limit=2");
        assertEquals(2, page1.json().path("items").size());
        String cursor = page1.json().path("next_cursor").asText();
        Reply page2 = api.client().get(base + "/audit-log?limit=2&cursor=" + cursor);
        assertEquals(2, page2.json().path("items").size());
        assertTrue(page2.json().path("next_cursor").isNull(), page2.body());
        for (Reply r : List.of(page1, page2)) {
            assertEquals(List.of(ws, ws), workspaces(r.json().path("items")));
        }
        List<String> everything = workspaces(api.client().get("/v1/audit-log?limit=200").json().path("items"));
        assertTrue(everything.contains(other) && everything.contains(ws), everything.toString());
    }

    private static List<String> kinds(JsonNode items) {
        List<String> out = new java.util.ArrayList<>();
        items.forEach(i -> out.add(i.path("resource_type").asText() + ":" + i.path("action").asText()));
        return out;
    }

    private static List<String> workspaces(JsonNode items) {
        List<String> out = new java.util.ArrayList<>();
        items.forEach(i -> out.add(i.path("workspace_id").asText()));
        return out;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
