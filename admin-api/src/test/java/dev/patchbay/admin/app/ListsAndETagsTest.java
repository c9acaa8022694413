package dev.patchbay.admin.app;

import java.util.ArrayList;
import java.util.List;

import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.TestApi;
import dev.patchbay.rest.ApiJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cursor pagination of lists, and ETag / If-Match on updates. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListsAndETagsTest {

    private TestApi api;
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
        base = "/v1/workspaces/" + api.client().post("/v1/workspaces", "{\"name\":\"Paged\"}").json().path("id").asText();
    }

    @Test
    void pagesWalkEveryRowOnceInCreationOrder() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(api.client().post(base + "/bots", "{\"name\":\"b" + i + "\",\"kind\":\"echo\"}").json().path("id").asText());
        }
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = "";
        do {
            Reply page = api.client().get(base + "/bots?limit=2" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), page.toString());
            List<String> ids = page.json().path("items").findValuesAsText("id");
            sizes.add(ids.size());
            seen.addAll(ids);
            cursor = page.json().path("next_cursor").isNull() ? "" : page.json().path("next_cursor").asText();
            if (seen.size() == 2) {
                // A row added mid-walk sorts after the cursor: it is seen once, at the end.
                created.add(api.client().post(base + "/bots", "{\"name\":\"late\",\"kind\":\"echo\"}").json().path("id").asText());
            }
        } while (!cursor.isEmpty());
        assertEquals(created, seen);
        assertEquals(List.of(2, 2, 2), sizes);
        Reply all = api.client().get(base + "/bots");
        assertEquals(created, all.json().path("items").findValuesAsText("id"), "the default limit (50) takes all six");
        assertTrue(all.json().path("next_cursor").isNull());
    }

    @Test
    void badPagingParametersAre400NamingThem() {
        for (String query : List.of("limit=0", "limit=201", "limit=x")) {
            Reply r = api.client().get(base + "/dids?" + query);
            assertEquals(400, r.status(), query + " -> " + r);
            assertEquals(List.of("limit"), r.errorFields(), query);
        }
        Reply r = api.client().get(base + "/trunks?cursor=bm90LWEtY3Vyc29y");
        assertEquals(400, r.status(), r.toString());
        assertEquals(ApiJson.PROBLEM_JSON, r.contentType().orElseThrow());
        assertEquals(List.of("cursor"), r.errorFields());
    }

    @Test
    void everyListHasNextCursor() {
        for (String list : List.of("", "/bots", "/dids", "/api-keys", "/admin-keys", "/trunks", "/audit-log")) {
            String path = list.isEmpty() ? "/v1/workspaces?limit=1" : base + list + "?limit=1";
            Reply r = api.client().get(path);
            assertEquals(200, r.status(), path + " -> " + r);
            assertTrue(r.json().has("next_cursor") && r.json().path("items").isArray(), path + " -> " + r.body());
        }
    }

    @Test
    void updatesNeedTheCurrentETag() {
        Reply read = api.client().get(base);
        String etag = read.etag();
        long rows = api.db().count("SELECT COUNT(*) FROM workspaces WHERE name = 'Paged'");

        Reply missing = api.client().patch(base, "{\"name\":\"New\"}", null);
        assertEquals(428, missing.status(), missing.toString());
        assertEquals(List.of("If-Match"), missing.errorFields());
        assertEquals(ApiJson.PROBLEM_JSON, missing.contentType().orElseThrow());

        Reply ok = api.client().patch(base, "{\"name\":\"New\",\"enabled\":false}", etag);
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("New", ok.json().path("name").asText());
        assertEquals(false, ok.json().path("enabled").asBoolean());
        assertNotEquals(etag, ok.etag());
        assertEquals(ok.etag(), api.client().get(base).etag());

        Reply stale = api.client().patch(base, "{\"name\":\"Lost update\"}", etag);
        assertEquals(412, stale.status(), stale.toString());
        assertEquals(List.of("If-Match"), stale.errorFields());
        assertEquals("New", api.client().get(base).json().path("name").asText());
        assertEquals(rows - 1, api.db().count("SELECT COUNT(*) FROM workspaces WHERE name = 'Paged'"));
    }

    @Test
    void aDidIsRepointedOnlyWithItsETag() {
        String b1 = api.client().post(base + "/bots", "{\"name\":\"1\",\"kind\":\"echo\"}").json().path("id").asText();
        String b2 = api.client().post(base + "/bots", "{\"name\":\"2\",\"kind\":\"echo\"}").json().path("id").asText();
        Reply did = api.client().post(base + "/dids", "{\"number\":\"sales-" + b1 + "\",\"bot_id\":\"" + b1 + "\"}");
        String path = did.location().orElseThrow();
        assertEquals(did.etag(), api.client().get(path).etag(), "the create answer carries the same ETag as a GET");
        assertEquals(428, api.client().patch(path, "{\"bot_id\":\"" + b2 + "\"}", null).status());
        Reply moved = api.client().patch(path, "{\"bot_id\":\"" + b2 + "\"}", did.etag());
        assertEquals(200, moved.status(), moved.toString());
        assertEquals(b2, api.db().text("SELECT bot_id FROM dids WHERE id = '" + did.json().path("id").asText() + "'"));
        assertEquals(422, api.client().patch(path, "{\"bot_id\":\"bot_nope\"}", moved.etag()).status());
    }

    @Test
    void anExistingIntegrationIsReplacedOnlyWithItsETag() {
        Reply created = api.client().put(base + "/integrations/ringcx", "{}");
        assertEquals(200, created.status(), created.toString());
        assertEquals(428, api.client().put(base + "/integrations/ringcx", "{\"info_max_bytes\":100}").status());
        assertEquals(412, api.client().put(base + "/integrations/ringcx", "{\"info_max_bytes\":100}", "\"old\"").status());
        assertEquals(8192, api.client().get(base + "/integrations/ringcx").json().path("info_max_bytes").asInt());
        assertEquals(200, api.client().put(base + "/integrations/ringcx", "{\"info_max_bytes\":100}", created.etag()).status());
    }
}
