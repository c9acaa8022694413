package dev.patchbay.admin.app;

import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.TestApi;
import dev.patchbay.schema.SecretBox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Webhook subscriptions over real HTTP against real PostgreSQL; the secret checked sealed in the row. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookApiTest {

    private static final String SECRET = "my-own-secret-0123456789";

    private TestApi api;
    private SecretBox box;
    private String workspace;
    private String base;

    @BeforeAll
    void start() {
        api = TestApi.start();
        box = new SecretBox(Base64.getDecoder().decode(TestApi.SECRETS_KEY));
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @BeforeEach
    void freshWorkspace() {
        workspace = api.client().post("/v1/workspaces", "{\"name\":\"Hooks\"}").json().path("id").asText();
        base = "/v1/workspaces/" + workspace + "/webhooks";
    }

    private String sealed(String id) {
        return api.db().text("SELECT secret_enc FROM webhook_subscriptions WHERE id = '" + id + "'");
    }

    @Test
    void aGivenSecretIsSealedAndNeverReturned() {
        Reply r = api.client().post(base, "{\"url\":\"https://hooks.example/calls\",\"events\":[\"call.failed\","
                + "\"call.ringing\",\"call.failed\"],\"secret\":\"" + SECRET + "\"}");
        assertEquals(201, r.status(), r.toString());
        JsonNode w = r.json();
        String id = w.path("id").asText();
        assertTrue(id.startsWith("wh_"), id);
        assertEquals(base + "/" + id, r.location().orElseThrow());
        assertEquals(List.of("call.ringing", "call.failed"), texts(w.path("events")), "known order, each once");
        assertTrue(w.path("enabled").asBoolean());
        assertTrue(w.path("has_secret").asBoolean());
        assertFalse(r.body().contains(SECRET) || w.has("secret"), "a secret the client chose is not echoed: " + r.body());
        assertFalse(sealed(id).contains(SECRET));
        assertEquals(SECRET, box.open(sealed(id)));

        Reply got = api.client().get(base + "/" + id);
        assertEquals(200, got.status(), got.toString());
        assertEquals(w, got.json());
        assertEquals(r.etag(), got.etag(), "the 201's ETag is the GET's");
        Reply list = api.client().get(base);
        assertEquals(List.of(id), list.json().path("items").findValuesAsText("id"));
        assertFalse(list.body().contains(SECRET));
    }

    @Test
    void aGeneratedSecretIsShownOnceAndOpensFromTheRow() {
        Reply r = api.client().post(base, "{\"url\":\"http://hooks.example/x\",\"events\":[\"call.completed\"]}");
        assertEquals(201, r.status(), r.toString());
        String secret = r.json().path("secret").asText();
        assertTrue(secret.startsWith("whsec_") && secret.length() > 40, secret);
        String id = r.json().path("id").asText();
        assertEquals(secret, box.open(sealed(id)));
        assertFalse(api.client().get(base + "/" + id).body().contains(secret), "never shown again");
        assertFalse(api.client().get(base).body().contains(secret));
    }

    @Test
    void patchNeedsIfMatchChangesOnlyWhatItNamesAndIsAudited() {
        Reply created = api.client().post(base, "{\"url\":\"https://hooks.example/a\",\"events\":[\"call.answered\"],"
                + "\"secret\":\"" + SECRET + "\"}");
        String id = created.json().path("id").asText();
        String item = base + "/" + id;
        Reply noTag = api.client().patch(item, "{\"enabled\":false}", null);
        assertEquals(428, noTag.status(), noTag.toString());
        assertEquals(List.of("If-Match"), noTag.errorFields());
        assertEquals(412, api.client().patch(item, "{\"enabled\":false}", "\"stale\"").status());

        Reply off = api.client().patch(item, "{\"enabled\":false,\"events\":[\"call.completed\",\"call.failed\"]}",
                created.etag());
        assertEquals(200, off.status(), off.toString());
        assertFalse(off.json().path("enabled").asBoolean());
        assertEquals(List.of("call.completed", "call.failed"), texts(off.json().path("events")));
        assertEquals("https://hooks.example/a", off.json().path("url").asText(), "url kept");
        assertEquals(SECRET, box.open(sealed(id)), "secret kept");
        assertNotEquals(created.etag(), off.etag());

        Reply rekey = api.client().patch(item, "{\"secret\":\"another-secret-abcdefghij\"}", off.etag());
        assertEquals(200, rekey.status(), rekey.toString());
        assertFalse(rekey.body().contains("another-secret"));
        assertEquals("another-secret-abcdefghij", box.open(sealed(id)));

        String audit = api.db().text("SELECT string_agg(action || ' ' || diff, ' | ' ORDER BY created_at, id) FROM audit_log"
                + " WHERE resource_type = 'webhook' AND resource_id = '" + id + "'");
        assertTrue(audit.startsWith("create ") && audit.contains("update ") && audit.contains("\"enabled\":[true,false]")
                && audit.contains("credential_replaced_at"), audit);
        assertFalse(audit.contains(SECRET) || audit.contains("another-secret"), audit);

        assertEquals(204, api.client().delete(item).status());
        assertEquals(404, api.client().get(item).status());
        assertEquals(List.of("webhook_id"), api.client().delete(item).errorFields());
        assertTrue(api.db().text("SELECT string_agg(action, ',' ORDER BY created_at, id) FROM audit_log WHERE resource_id = '"
                + id + "'").endsWith("delete"));
    }

    @Test
    void badBodiesNameEveryFieldAndStoreNothing() {
        Reply r = api.client().post(base, "{\"url\":\"ftp://hooks.example\",\"events\":[\"call.ringing\",\"call.exploded\"],"
                + "\"secret\":\"short\"}");
        assertEquals(422, r.status(), r.toString());
        assertEquals("application/problem+json", r.contentType().orElse(""));
        assertEquals(List.of("url", "events[1]", "secret"), r.errorFields());
        Reply missing = api.client().post(base, "{}");
        assertEquals(422, missing.status());
        assertEquals(List.of("url", "events"), missing.errorFields());
        Reply empty = api.client().post(base, "{\"url\":\"https://h.example\",\"events\":[]}");
        assertEquals(List.of("events"), empty.errorFields());
        Reply shape = api.client().post(base, "{\"url\":\"https://h.example\",\"events\":\"call.failed\",\"colour\":1}");
        assertEquals(400, shape.status(), shape.toString());
        assertTrue(shape.errorFields().containsAll(List.of("events", "colour")), shape.toString());
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM webhook_subscriptions WHERE workspace_id = '" + workspace + "'"));
        assertEquals(404, api.client().post("/v1/workspaces/ws_nope/webhooks",
                "{\"url\":\"https://h.example\",\"events\":[\"call.failed\"]}").status());
    }

    @Test
    void listsPageByCursor() {
        for (int i = 0; i < 3; i++) {
            assertEquals(201, api.client().post(base, "{\"url\":\"https://h.example/" + i + "\",\"events\":[\"call.failed\"]}")
                    .status());
        }
        Reply first = api.client().get(base + "?limit=2");
        assertEquals(2, first.json().path("items").size());
        String cursor = first.json().path("next_cursor").asText();
        Reply second = api.client().get(base + "?limit=2&cursor=" + cursor);
        assertEquals(List.of("https://h.example/2"), second.json().path("items").findValuesAsText("url"));
        assertTrue(second.json().path("next_cursor").isNull());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
