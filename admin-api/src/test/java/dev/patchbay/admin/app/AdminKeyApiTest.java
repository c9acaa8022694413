package dev.patchbay.admin.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Workspace admin keys: issued by the operator, shown once, stored hashed, rotated with overlap, revoked. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminKeyApiTest {

    private TestApi api;
    private String ws;
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
        ws = api.client().post("/v1/workspaces", "{\"name\":\"Keys\"}").json().path("id").asText();
        keys = "/v1/workspaces/" + ws + "/admin-keys";
    }

    @Test
    void issuedOnceStoredAsHashAndOpensItsWorkspace() throws Exception {
        Reply r = api.client().post(keys, "{\"name\":\"terraform\"}");
        assertEquals(201, r.status(), r.toString());
        assertEquals("no-store", r.header("Cache-Control").orElseThrow());
        String id = r.json().path("id").asText();
        String token = r.json().path("key").asText();
        assertTrue(id.matches("akey_[0-9A-Za-z]{20}"), id);
        assertTrue(token.startsWith(id + "."), token);
        String secret = token.substring(id.length() + 1);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8))),
                api.db().text("SELECT secret_sha256 FROM api_keys WHERE id = '" + id + "'"));
        assertEquals("admin", api.db().text("SELECT scope FROM api_keys WHERE id = '" + id + "'"));
        Reply read = api.client().get(keys + "/" + id);
        assertFalse(read.body().contains(secret) || read.json().has("key"), read.body());

        ApiClient asKey = api.client().withKey(token);
        assertEquals(200, asKey.get("/v1/workspaces/" + ws).status());
        assertEquals(201, asKey.post("/v1/workspaces/" + ws + "/bots", "{\"name\":\"b\",\"kind\":\"echo\"}").status());
        // Admin keys and provider keys are separate lists: neither shows in the other.
        assertEquals(List.of(id), api.client().get(keys).json().path("items").findValuesAsText("id"));
        assertEquals(List.of(), api.client().get("/v1/workspaces/" + ws + "/api-keys").json().path("items").findValuesAsText("id"));
    }

    @Test
    void wrongSecretsAndProviderKeysDoNotOpenTheAdminApi() {
        String token = api.client().post(keys, "{\"name\":\"x\"}").json().path("key").asText();
        String id = token.substring(0, token.indexOf('.'));
        Reply wrong = api.client().withKey(id + ".not-the-secret").get("/v1/workspaces/" + ws);
        assertEquals(401, wrong.status(), wrong.toString());
        assertEquals(List.of("Authorization"), wrong.errorFields());
        String provider = api.client().post("/v1/workspaces/" + ws + "/api-keys", "{\"name\":\"p\"}").json().path("key").asText();
        assertEquals(401, api.client().withKey(provider).get("/v1/workspaces/" + ws).status());
    }

    @Test
    void onlyTheOperatorIssuesRotatesAndRevokesAdminKeys() {
        Reply created = api.client().post(keys, "{\"name\":\"x\"}");
        ApiClient asKey = api.client().withKey(created.json().path("key").asText());
        String id = created.json().path("id").asText();
        long before = api.db().count("SELECT COUNT(*) FROM api_keys");
        assertEquals(403, asKey.post(keys, "{\"name\":\"more\"}").status());
        assertEquals(403, asKey.post(keys + "/" + id + "/rotate", "").status());
        assertEquals(403, asKey.delete(keys + "/" + id).status());
        assertEquals(403, asKey.post("/v1/workspaces", "{\"name\":\"new\"}").status());
        assertEquals(before, api.db().count("SELECT COUNT(*) FROM api_keys"));
        assertEquals(200, asKey.get(keys + "/" + id).status(), "reading its own workspace's keys is allowed");
    }

    @Test
    void rotationKeepsTheOldKeyForTheOverlapThenOnlyTheNewOneWorks() {
        Reply first = api.client().post(keys, "{\"name\":\"ci\"}");
        String oldId = first.json().path("id").asText();
        ApiClient oldKey = api.client().withKey(first.json().path("key").asText());

        Reply rotated = api.client().post(keys + "/" + oldId + "/rotate", "{\"overlap_seconds\":3600}");
        assertEquals(201, rotated.status(), rotated.toString());
        assertEquals("ci", rotated.json().path("name").asText());
        assertNotEquals(oldId, rotated.json().path("id").asText());
        ApiClient newKey = api.client().withKey(rotated.json().path("key").asText());
        assertEquals(200, newKey.get("/v1/workspaces/" + ws).status());
        assertEquals(200, oldKey.get("/v1/workspaces/" + ws).status(), "the old key works during the overlap");
        assertFalse(api.client().get(keys + "/" + oldId).json().path("revoked_at").isNull(), "its end is shown");

        Reply again = api.client().post(keys + "/" + oldId + "/rotate", "");
        assertEquals(409, again.status(), again.toString());
        assertEquals(List.of("key_id"), again.errorFields());

        // Revoking a key in its overlap ends it now.
        assertEquals(204, api.client().delete(keys + "/" + oldId).status());
        assertEquals(401, oldKey.get("/v1/workspaces/" + ws).status());
        assertEquals(200, newKey.get("/v1/workspaces/" + ws).status());
    }

    @Test
    void rotationWithoutOverlapEndsTheOldKeyAtOnce() {
        Reply first = api.client().post(keys, "{\"name\":\"ci\"}");
        ApiClient oldKey = api.client().withKey(first.json().path("key").asText());
        Reply rotated = api.client().post(keys + "/" + first.json().path("id").asText() + "/rotate", "{\"overlap_seconds\":0}");
        assertEquals(201, rotated.status(), rotated.toString());
        assertEquals(401, oldKey.get("/v1/workspaces/" + ws).status());
        Reply bad = api.client().post(keys + "/" + first.json().path("id").asText() + "/rotate", "{\"overlap_seconds\":-1}");
        assertEquals(422, bad.status(), bad.toString());
        assertEquals(List.of("overlap_seconds"), bad.errorFields());
    }

    @Test
    void providerKeysRotateTheSameWay() {
        String apiKeys = "/v1/workspaces/" + ws + "/api-keys";
        String id = api.client().post(apiKeys, "{\"name\":\"crm\"}").json().path("id").asText();
        Reply rotated = api.client().post(apiKeys + "/" + id + "/rotate", "");
        assertEquals(201, rotated.status(), rotated.toString());
        assertTrue(rotated.json().path("id").asText().startsWith("key_"));
        assertEquals("provider", api.db().text("SELECT scope FROM api_keys WHERE id = '" + rotated.json().path("id").asText() + "'"));
        // The default overlap (patchbay.admin.keys.overlap, one day) puts the old key's end in the future.
        assertEquals(1, api.db().count("SELECT COUNT(*) FROM api_keys WHERE id = '" + id
                + "' AND revoked_at > CURRENT_TIMESTAMP + INTERVAL '23 hours'"));
    }
}
