package dev.patchbay.admin.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.TestApi;
import dev.patchbay.rest.ApiJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Provider API keys and the webhook secret, over real HTTP against real PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessApiTest {

    private TestApi api;
    private String workspace;
    private String keys;

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
        workspace = api.client().post("/v1/workspaces", "{\"name\":\"Keys\"}").json().path("id").asText();
        keys = "/v1/workspaces/" + workspace + "/api-keys";
    }

    @Test
    void createdKeyIsShownOnceAndStoredAsTheHashApiKeyAuthCompares() throws Exception {
        Reply r = api.client().post(keys, "{\"name\":\"CRM\"}");
        assertEquals(201, r.status(), r.toString());
        assertEquals("no-store", r.header("Cache-Control").orElseThrow());
        JsonNode created = r.json();
        String id = created.path("id").asText();
        assertTrue(id.matches("key_[0-9A-Za-z]{20}"), id);
        assertEquals("CRM", created.path("name").asText());
        assertTrue(created.path("revoked_at").isNull(), r.body());
        String key = created.path("key").asText();
        assertTrue(key.startsWith(id + "."), key);
        String secret = key.substring(id.length() + 1);
        // 32 bytes in base64url without padding.
        assertTrue(secret.matches("[A-Za-z0-9_-]{43}"), secret);
        assertEquals(32, Base64.getUrlDecoder().decode(secret).length);
        assertEquals(keys + "/" + id, r.location().orElseThrow());

        // The control-plane's ApiKeyAuth hashes the presented secret's UTF-8 bytes and compares hex to this column.
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, api.db().text("SELECT secret_sha256 FROM api_keys WHERE id = '" + id + "'"));
        assertEquals(workspace, api.db().text("SELECT workspace_id FROM api_keys WHERE id = '" + id + "'"));

        Reply one = api.client().get(r.location().orElseThrow());
        assertEquals(200, one.status(), one.toString());
        assertFalse(one.body().contains(secret), one.body());
        assertFalse(one.json().has("key"), one.body());
        assertFalse(one.body().contains(expected), "the hash is not returned either: " + one.body());
    }

    @Test
    void twoKeysHaveDifferentSecrets() {
        String a = api.client().post(keys, "{\"name\":\"a\"}").json().path("key").asText();
        String b = api.client().post(keys, "{\"name\":\"b\"}").json().path("key").asText();
        assertNotEquals(a.substring(a.indexOf('.')), b.substring(b.indexOf('.')));
    }

    @Test
    void listShowsKeysWithoutSecretsAndRevocationTimes() {
        Reply a = api.client().post(keys, "{\"name\":\"first\"}");
        Reply b = api.client().post(keys, "{\"name\":\"second\"}");
        String aId = a.json().path("id").asText();
        assertEquals(204, api.client().delete(keys + "/" + aId).status());

        Reply list = api.client().get(keys);
        assertEquals(200, list.status(), list.toString());
        JsonNode items = list.json().path("items");
        assertEquals(List.of("first", "second"), items.findValuesAsText("name"));
        assertFalse(items.get(0).path("revoked_at").isNull(), list.body());
        assertTrue(items.get(1).path("revoked_at").isNull(), list.body());
        for (JsonNode item : items) {
            assertFalse(item.has("key") || item.has("secret_sha256"), list.body());
        }
        assertFalse(list.body().contains(a.json().path("key").asText()), list.body());
        assertFalse(list.body().contains(b.json().path("key").asText()), list.body());
    }

    @Test
    void revokeIsIdempotentAndKeepsTheFirstTime() {
        String id = api.client().post(keys, "{\"name\":\"x\"}").json().path("id").asText();
        assertEquals(204, api.client().delete(keys + "/" + id).status());
        String first = api.db().text("SELECT revoked_at FROM api_keys WHERE id = '" + id + "'");
        assertTrue(first != null, "revoked_at is set");
        Reply again = api.client().delete(keys + "/" + id);
        assertEquals(204, again.status(), again.toString());
        assertEquals(first, api.db().text("SELECT revoked_at FROM api_keys WHERE id = '" + id + "'"));
        assertFalse(api.client().get(keys + "/" + id).json().path("revoked_at").isNull());

        Reply missing = api.client().delete(keys + "/key_doesnotexist000000");
        assertEquals(404, missing.status(), missing.toString());
        assertEquals(List.of("key_id"), missing.errorFields());
    }

    @Test
    void anotherWorkspacesKeyIs404() {
        String id = api.client().post(keys, "{\"name\":\"mine\"}").json().path("id").asText();
        String other = api.client().post("/v1/workspaces", "{\"name\":\"Other\"}").json().path("id").asText();
        String theirs = "/v1/workspaces/" + other + "/api-keys/" + id;

        Reply get = api.client().get(theirs);
        assertEquals(404, get.status(), get.toString());
        assertEquals(ApiJson.PROBLEM_JSON, get.contentType().orElseThrow());
        Reply revoke = api.client().delete(theirs);
        assertEquals(404, revoke.status(), revoke.toString());
        assertEquals(List.of("key_id"), revoke.errorFields());
        assertEquals(List.of(), api.client().get("/v1/workspaces/" + other + "/api-keys").json().path("items")
                .findValuesAsText("id"));
        assertEquals(null, api.db().text("SELECT revoked_at FROM api_keys WHERE id = '" + id + "'"));
    }

    @Test
    void keyValidation() {
        Reply missing = api.client().post(keys, "{}");
        assertEquals(422, missing.status(), missing.toString());
        assertEquals(List.of("name"), missing.errorFields());
        Reply blank = api.client().post(keys, "{\"name\":\"  \"}");
        assertEquals(422, blank.status(), blank.toString());
        assertEquals(List.of("name"), blank.errorFields());

        Reply unknown = api.client().post(keys, "{\"name\":\"x\",\"secret\":\"chosen-by-me\"}");
        assertEquals(400, unknown.status(), unknown.toString());
        assertEquals(List.of("secret"), unknown.errorFields());
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM api_keys WHERE workspace_id = '" + workspace + "'"));
    }

    @Test
    void unknownWorkspaceIs404() {
        Reply create = api.client().post("/v1/workspaces/ws_missing/api-keys", "{\"name\":\"x\"}");
        assertEquals(404, create.status(), create.toString());
        assertEquals(List.of("workspace_id"), create.errorFields());
        assertEquals(404, api.client().get("/v1/workspaces/ws_missing/api-keys").status());
        assertEquals(404, api.client().post("/v1/workspaces/ws_missing/webhook-secret", "").status());
    }

    @Test
    void keysNeedTheOperatorKey() {
        Reply r = api.client().withKey(null).post(keys, "{\"name\":\"x\"}");
        assertEquals(401, r.status(), r.toString());
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM api_keys WHERE workspace_id = '" + workspace + "'"));
    }

    @Test
    void webhookSecretRotatesAndIsStored() {
        String path = "/v1/workspaces/" + workspace + "/webhook-secret";
        Reply first = api.client().post(path, "");
        assertEquals(200, first.status(), first.toString());
        assertEquals("no-store", first.header("Cache-Control").orElseThrow());
        String secret = first.json().path("webhook_secret").asText();
        assertTrue(secret.matches("whsec_[A-Za-z0-9_-]{43}"), secret);
        assertEquals(32, Base64.getUrlDecoder().decode(secret.substring("whsec_".length())).length);
        assertEquals(secret, api.db().text("SELECT webhook_secret FROM workspaces WHERE id = '" + workspace + "'"));

        String second = api.client().post(path, "").json().path("webhook_secret").asText();
        assertNotEquals(secret, second);
        assertEquals(second, api.db().text("SELECT webhook_secret FROM workspaces WHERE id = '" + workspace + "'"));
        assertFalse(api.client().get("/v1/workspaces/" + workspace).body().contains(second),
                "the workspace resource does not show the secret");
    }
}
