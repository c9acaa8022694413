package dev.patchbay.admin.app;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.TestApi;
import dev.patchbay.rest.ApiJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkspaceApiTest {

    private TestApi api;

    @BeforeAll
    void start() {
        api = TestApi.start();
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @Test
    void createReturnsTheResourceAndWhereItLives() {
        Reply r = api.client().post("/v1/workspaces", "{\"name\":\"  Acme  \"}");
        assertEquals(201, r.status(), r.toString());
        assertEquals("application/json", r.contentType().orElseThrow());
        JsonNode ws = r.json();
        String id = ws.path("id").asText();
        assertTrue(id.matches("ws_[0-9A-Za-z]{20}"), id);
        assertEquals("Acme", ws.path("name").asText());
        assertTrue(ws.path("enabled").asBoolean());
        Instant.parse(ws.path("created_at").asText());
        assertEquals("/v1/workspaces/" + id, r.location().orElseThrow());

        Reply got = api.client().get(r.location().orElseThrow());
        assertEquals(200, got.status(), got.toString());
        assertEquals(ws, got.json());
    }

    @Test
    void listHoldsCreatedWorkspaces() {
        String a = api.client().post("/v1/workspaces", "{\"name\":\"A\"}").json().path("id").asText();
        String b = api.client().post("/v1/workspaces", "{\"name\":\"B\"}").json().path("id").asText();
        Reply r = api.client().get("/v1/workspaces");
        assertEquals(200, r.status(), r.toString());
        String ids = r.json().path("items").findValuesAsText("id").toString();
        assertTrue(ids.contains(a) && ids.contains(b), ids);
    }

    @Test
    void unknownWorkspaceIs404Problem() {
        Reply r = api.client().get("/v1/workspaces/ws_doesnotexist");
        assertEquals(404, r.status(), r.toString());
        assertEquals(ApiJson.PROBLEM_JSON, r.contentType().orElseThrow());
        JsonNode p = r.json();
        assertEquals(404, p.path("status").asInt());
        assertEquals("/v1/workspaces/ws_doesnotexist", p.path("instance").asText());
        assertTrue(p.path("detail").asText().contains("ws_doesnotexist"), p.toString());
        assertEquals("workspace_id", p.path("errors").path(0).path("field").asText());
    }

    @Test
    void missingNameIsNamed() {
        Reply r = api.client().post("/v1/workspaces", "{}");
        assertEquals(422, r.status(), r.toString());
        assertEquals(java.util.List.of("name"), r.errorFields());
        Reply blank = api.client().post("/v1/workspaces", "{\"name\":\"   \"}");
        assertEquals(422, blank.status(), blank.toString());
        assertEquals(java.util.List.of("name"), blank.errorFields());
    }

    @Test
    void malformedJsonIs400NamingTheBody() {
        long before = api.db().count("SELECT COUNT(*) FROM workspaces");
        Reply r = api.client().post("/v1/workspaces", "{\"name\": \"x\",");
        assertEquals(400, r.status(), r.toString());
        assertEquals(ApiJson.PROBLEM_JSON, r.contentType().orElseThrow());
        assertEquals(java.util.List.of("body"), r.errorFields());
        assertTrue(r.json().path("detail").asText().contains("not valid JSON"), r.body());
        assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), r.body());
        assertEquals(before, api.db().count("SELECT COUNT(*) FROM workspaces"));
    }

    @Test
    void bodyMustBeAnObject() {
        for (String body : new String[] {"[]", "\"Acme\"", "", "   "}) {
            Reply r = api.client().post("/v1/workspaces", body);
            assertEquals(400, r.status(), body + " -> " + r);
            assertEquals(java.util.List.of("body"), r.errorFields(), body);
        }
    }

    @Test
    void duplicateJsonKeysAre400() {
        Reply r = api.client().post("/v1/workspaces", "{\"name\":\"a\",\"name\":\"b\"}");
        assertEquals(400, r.status(), r.toString());
        assertTrue(r.json().path("detail").asText().contains("name"), r.body());
    }

    @Test
    void unknownFieldIs400NamingIt() {
        Reply r = api.client().post("/v1/workspaces", "{\"name\":\"Acme\",\"colour\":\"red\"}");
        assertEquals(400, r.status(), r.toString());
        assertEquals(java.util.List.of("colour"), r.errorFields());
    }

    @Test
    void wrongJsonTypeIs400NamingTheField() {
        Reply r = api.client().post("/v1/workspaces", "{\"name\":42}");
        assertEquals(400, r.status(), r.toString());
        assertEquals(java.util.List.of("name"), r.errorFields());
        assertTrue(r.json().path("errors").path(0).path("detail").asText().contains("string"), r.body());
    }

    @Test
    void wrongContentTypeIs415() {
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1"}) {
            Reply r = api.client().post("/v1/workspaces", "{\"name\":\"Acme\"}", type);
            assertEquals(415, r.status(), type + " -> " + r);
            assertEquals(ApiJson.PROBLEM_JSON, r.contentType().orElseThrow());
            assertEquals(java.util.List.of("Content-Type"), r.errorFields());
        }
        Reply none = api.client().post("/v1/workspaces", "{\"name\":\"Acme\"}", null);
        assertEquals(415, none.status(), none.toString());
        Reply charset = api.client().post("/v1/workspaces", "{\"name\":\"Acme\"}", "application/json; charset=UTF-8");
        assertEquals(201, charset.status(), charset.toString());
    }

    @Test
    void oversizedBodyIs413Problem() {
        // The server answers as soon as the limit is passed and closes the connection; a client still sending
        // the rest can see that close as a reset before it reads the answer (CI saw it once). A second try
        // on a fresh connection is what any client does then; the answer itself must still be the 413.
        String oversized = "{\"name\":\"" + "a".repeat(70_000) + "\"}";
        Reply r;
        try {
            r = api.client().post("/v1/workspaces", oversized);
        } catch (java.io.UncheckedIOException reset) {
            r = api.client().post("/v1/workspaces", oversized);
        }
        assertEquals(413, r.status(), r.toString());
        assertEquals(ApiJson.PROBLEM_JSON, r.contentType().orElseThrow());
        assertEquals(java.util.List.of("body"), r.errorFields());
    }

    @Test
    void unknownRouteIs404Problem() {
        Reply r = api.client().send(api.client().request("/v1/workspaces").PUT(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertEquals(404, r.status(), r.toString());
        assertEquals(ApiJson.PROBLEM_JSON, r.contentType().orElseThrow());
        assertTrue(r.json().path("detail").asText().contains("PUT /v1/workspaces"), r.body());
    }
}
