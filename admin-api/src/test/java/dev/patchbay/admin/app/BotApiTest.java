package dev.patchbay.admin.app;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BotApiTest {

    private TestApi api;
    private String bots;

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
        String ws = api.client().post("/v1/workspaces", "{\"name\":\"Bots\"}").json().path("id").asText();
        bots = "/v1/workspaces/" + ws + "/bots";
    }

    @Test
    void wssBotDefaultsToTheTwilioDialect() {
        Reply r = api.client().post(bots, "{\"name\":\"Agent\",\"kind\":\"wss\",\"url\":\"wss://bot.example/ws\"}");
        assertEquals(201, r.status(), r.toString());
        JsonNode bot = r.json();
        assertTrue(bot.path("id").asText().matches("bot_[0-9A-Za-z]{20}"), bot.toString());
        assertEquals("wss", bot.path("kind").asText());
        assertEquals("wss://bot.example/ws", bot.path("url").asText());
        assertEquals("twilio", bot.path("dialect").asText());
        assertEquals(bots + "/" + bot.path("id").asText(), r.location().orElseThrow());
        assertEquals(bot, api.client().get(r.location().orElseThrow()).json());
    }

    @Test
    void eachKindWithItsFields() {
        assertEquals(201, api.client().post(bots, "{\"name\":\"J\",\"kind\":\"wss\",\"url\":\"ws://10.0.0.1:8080/a\",\"dialect\":\"jambonz\"}").status());
        assertEquals(201, api.client().post(bots, "{\"name\":\"H\",\"kind\":\"webhook\",\"url\":\"https://hooks.example/call\"}").status());
        assertEquals(201, api.client().post(bots, "{\"name\":\"G\",\"kind\":\"grpc\"}").status());
        assertEquals(201, api.client().post(bots, "{\"name\":\"G2\",\"kind\":\"grpc\",\"url\":\"grpc://bots.example:443\"}").status());
        Reply echo = api.client().post(bots, "{\"name\":\"E\",\"kind\":\"echo\",\"url\":\"https://ignored.example\"}");
        assertEquals(201, echo.status(), echo.toString());
        assertTrue(echo.json().path("url").isNull(), echo.body());
        assertTrue(echo.json().path("dialect").isNull(), echo.body());

        Reply list = api.client().get(bots);
        assertEquals(200, list.status(), list.toString());
        assertEquals(List.of("J", "H", "G", "G2", "E"), list.json().path("items").findValuesAsText("name"));
    }

    @Test
    void validationNamesTheField() {
        assertInvalid("{\"kind\":\"echo\"}", "name");
        assertInvalid("{\"name\":\"x\"}", "kind");
        assertInvalid("{\"name\":\"x\",\"kind\":\"sip\"}", "kind");
        assertInvalid("{\"name\":\"x\",\"kind\":\"WSS\",\"url\":\"wss://a.example\"}", "kind");
        assertInvalid("{\"name\":\"x\",\"kind\":\"wss\"}", "url");
        assertInvalid("{\"name\":\"x\",\"kind\":\"wss\",\"url\":\"https://a.example\"}", "url");
        assertInvalid("{\"name\":\"x\",\"kind\":\"wss\",\"url\":\"wss://\"}", "url");
        assertInvalid("{\"name\":\"x\",\"kind\":\"webhook\",\"url\":\"wss://a.example\"}", "url");
        assertInvalid("{\"name\":\"x\",\"kind\":\"webhook\",\"url\":\"not a url\"}", "url");
        assertInvalid("{\"name\":\"x\",\"kind\":\"grpc\",\"url\":\"ftp://a.example\"}", "url");
        assertInvalid("{\"name\":\"x\",\"kind\":\"wss\",\"url\":\"wss://a.example\",\"dialect\":\"vonage\"}", "dialect");
        assertInvalid("{\"name\":\"x\",\"kind\":\"echo\",\"dialect\":\"twilio\"}", "dialect");
        assertInvalid("{\"name\":\"x\",\"kind\":\"webhook\",\"url\":\"https://a.example\",\"dialect\":\"plivo\"}", "dialect");
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM bots"));
    }

    @Test
    void kindErrorListsTheKinds() {
        Reply r = api.client().post(bots, "{\"name\":\"x\",\"kind\":\"sip\"}");
        assertEquals("must be one of echo, wss, grpc, webhook", r.json().path("errors").path(0).path("detail").asText());
    }

    @Test
    void everyFaultIsReportedAtOnce() {
        Reply r = api.client().post(bots, "{\"kind\":\"wss\",\"dialect\":\"x\"}");
        assertEquals(422, r.status(), r.toString());
        assertEquals(List.of("name", "url", "dialect"), r.errorFields());
    }

    @Test
    void unknownFieldsAre400() {
        Reply r = api.client().post(bots, "{\"name\":\"x\",\"kind\":\"echo\",\"voice\":\"alto\"}");
        assertEquals(400, r.status(), r.toString());
        assertEquals(List.of("voice"), r.errorFields());
    }

    @Test
    void unknownWorkspaceIs404() {
        Reply create = api.client().post("/v1/workspaces/ws_missing/bots", "{\"name\":\"x\",\"kind\":\"echo\"}");
        assertEquals(404, create.status(), create.toString());
        assertEquals(404, api.client().get("/v1/workspaces/ws_missing/bots").status());
        assertEquals(404, api.client().delete("/v1/workspaces/ws_missing/bots/bot_x").status());
    }

    @Test
    void deleteRemovesTheBot() {
        String location = api.client().post(bots, "{\"name\":\"x\",\"kind\":\"echo\"}").location().orElseThrow();
        assertEquals(204, api.client().delete(location).status());
        Reply again = api.client().delete(location);
        assertEquals(404, again.status(), again.toString());
        assertEquals(List.of("bot_id"), again.errorFields());
        assertEquals(404, api.client().get(location).status());
    }

    @Test
    void botStillReachedByDidsIs409NamingThem() {
        Reply bot = api.client().post(bots, "{\"name\":\"x\",\"kind\":\"echo\"}");
        String botId = bot.json().path("id").asText();
        String dids = bots.replace("/bots", "/dids");
        String did1 = api.client().post(dids, "{\"number\":\"+442079460123\",\"bot_id\":\"" + botId + "\"}").json().path("id").asText();
        String did2 = api.client().post(dids, "{\"number\":\"sales\",\"bot_id\":\"" + botId + "\"}").json().path("id").asText();

        Reply r = api.client().delete(bot.location().orElseThrow());
        assertEquals(409, r.status(), r.toString());
        assertEquals(ApiJson.PROBLEM_JSON, r.contentType().orElseThrow());
        String detail = r.json().path("detail").asText();
        assertTrue(detail.contains(did1) && detail.contains(did2) && detail.contains("+442079460123"), detail);
        assertEquals(List.of("bot_id"), r.errorFields());
        assertEquals(1, api.db().count("SELECT COUNT(*) FROM bots WHERE id = '" + botId + "'"));

        assertEquals(204, api.client().delete(dids + "/" + did1).status());
        assertEquals(204, api.client().delete(dids + "/" + did2).status());
        assertEquals(204, api.client().delete(bot.location().orElseThrow()).status());
    }

    private void assertInvalid(String body, String field) {
        Reply r = api.client().post(bots, body);
        assertEquals(422, r.status(), body + " -> " + r);
        assertEquals(ApiJson.PROBLEM_JSON, r.contentType().orElseThrow());
        assertEquals(List.of(field), r.errorFields(), body + " -> " + r);
    }
}
