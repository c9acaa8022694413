package dev.patchbay.admin.app;

import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.TestApi;
import dev.patchbay.rest.ApiJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthTest {

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
    void missingKeyIs401WithBearerChallenge() {
        Reply r = api.client().withKey(null).get("/v1/workspaces");
        assertUnauthorized(r);
        assertEquals("Bearer realm=\"patchbay-admin\"", r.wwwAuthenticate().orElseThrow());
    }

    @Test
    void wrongKeyIs401() {
        Reply r = api.client().withKey(TestApi.KEY + "x").get("/v1/workspaces");
        assertUnauthorized(r);
        assertTrue(r.wwwAuthenticate().orElseThrow().contains("error=\"invalid_token\""), r.wwwAuthenticate().toString());
    }

    @Test
    void otherSchemeIs401() {
        Reply r = api.client().withKey(null).send(api.client().withKey(null).request("/v1/workspaces")
                .header("Authorization", "Basic " + TestApi.KEY).GET());
        assertUnauthorized(r);
    }

    @Test
    void writesNeedTheKeyAndLeaveNothingBehind() {
        Reply r = api.client().withKey("nope").post("/v1/workspaces", "{\"name\":\"Sneaky\"}");
        assertUnauthorized(r);
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM workspaces"));
    }

    @Test
    void unknownV1PathsAreHiddenBehindTheKey() {
        assertUnauthorized(api.client().withKey(null).get("/v1/nothing-here"));
        Reply known = api.client().get("/v1/nothing-here");
        assertEquals(404, known.status(), known.toString());
        assertEquals(ApiJson.PROBLEM_JSON, known.contentType().orElseThrow());
    }

    @Test
    void rightKeyIsAccepted() {
        Reply r = api.client().get("/v1/workspaces");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.json().path("items").isArray(), r.body());
    }

    @Test
    void healthNeedsNoKey() {
        Reply r = api.client().withKey(null).get("/health");
        assertEquals(200, r.status(), r.toString());
        assertEquals("UP", r.json().path("status").asText());
        assertEquals("application/json", r.contentType().orElseThrow());
    }

    private static void assertUnauthorized(Reply r) {
        assertEquals(401, r.status(), r.toString());
        assertEquals(ApiJson.PROBLEM_JSON, r.contentType().orElseThrow());
        assertEquals(401, r.json().path("status").asInt());
        assertEquals("Authorization", r.json().path("errors").path(0).path("field").asText(), r.body());
        assertTrue(r.wwwAuthenticate().orElseThrow().startsWith("Bearer"), r.wwwAuthenticate().toString());
    }
}
