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
class DidApiTest {

    private TestApi api;
    private String workspace;
    private String dids;
    private String bot;

    @BeforeAll
    void start() {
        api = TestApi.start();
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @BeforeEach
    void freshWorkspaceWithABot() {
        workspace = api.client().post("/v1/workspaces", "{\"name\":\"Dids\"}").json().path("id").asText();
        dids = "/v1/workspaces/" + workspace + "/dids";
        bot = api.client().post("/v1/workspaces/" + workspace + "/bots", "{\"name\":\"E\",\"kind\":\"echo\"}")
                .json().path("id").asText();
    }

    @Test
    void e164NumberIsStoredAsGiven() {
        Reply r = create("+14155550100", bot);
        assertEquals(201, r.status(), r.toString());
        JsonNode did = r.json();
        assertTrue(did.path("id").asText().matches("did_[0-9A-Za-z]{20}"), did.toString());
        assertEquals("+14155550100", did.path("number").asText());
        assertEquals(bot, did.path("bot_id").asText());
        assertEquals(workspace, did.path("workspace_id").asText());
        assertEquals(dids + "/" + did.path("id").asText(), r.location().orElseThrow());
        assertEquals(did, api.client().get(r.location().orElseThrow()).json());
    }

    @Test
    void internationalZeroZeroFormIsStoredAsE164() {
        Reply r = create("00919990152080", bot);
        assertEquals(201, r.status(), r.toString());
        assertEquals("+919990152080", r.json().path("number").asText());
        assertEquals(1, api.db().count("SELECT COUNT(*) FROM dids WHERE number = '+919990152080'"));
    }

    @Test
    void sipUserPartIsAccepted() {
        for (String user : List.of("support-line", "ext.1000", "a!~*'()&=+$,;?/_b", "0800123456")) {
            Reply r = create(user, bot);
            assertEquals(201, r.status(), user + " -> " + r);
            assertEquals(user, r.json().path("number").asText());
        }
    }

    @Test
    void invalidNumbersNameTheField() {
        for (String number : List.of("+0123456", "+1", "+1234567890123456", "+1 415 555 0100", "00012345",
                "has space", "ümlaut", "a@b", "x".repeat(65), "")) {
            Reply r = create(number, bot);
            assertEquals(422, r.status(), number + " -> " + r);
            assertEquals(List.of("number"), r.errorFields(), number + " -> " + r);
        }
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM dids WHERE workspace_id = '" + workspace + "'"));
    }

    @Test
    void wellFormedButInvalidNumbersAre422WithTheReason() {
        // E.164-shaped, but no such number exists: 555 is not a US area code, +999 is no country.
        for (String number : List.of("+15551234567", "0015551234567", "+999123456", "+4412")) {
            Reply r = create(number, bot);
            assertEquals(422, r.status(), number + " -> " + r);
            assertEquals(List.of("number"), r.errorFields(), number + " -> " + r);
            String detail = r.json().path("errors").get(0).path("detail").asText();
            assertTrue(detail.contains("is not a valid phone number"), detail);
        }
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM dids WHERE workspace_id = '" + workspace + "'"));
    }

    @Test
    void duplicateNumberIs409PlatformWide() {
        assertEquals(201, create("+442079460000", bot).status());
        Reply same = create("+442079460000", bot);
        assertEquals(409, same.status(), same.toString());
        assertEquals(ApiJson.PROBLEM_JSON, same.contentType().orElseThrow());
        assertEquals(List.of("number"), same.errorFields());

        // Another tenant, and the same number spelt in 00 form: still the same DID.
        String other = api.client().post("/v1/workspaces", "{\"name\":\"Other\"}").json().path("id").asText();
        String otherBot = api.client().post("/v1/workspaces/" + other + "/bots", "{\"name\":\"E\",\"kind\":\"echo\"}")
                .json().path("id").asText();
        Reply elsewhere = api.client().post("/v1/workspaces/" + other + "/dids",
                "{\"number\":\"00442079460000\",\"bot_id\":\"" + otherBot + "\"}");
        assertEquals(409, elsewhere.status(), elsewhere.toString());
        assertEquals(List.of("number"), elsewhere.errorFields());
        assertEquals(1, api.db().count("SELECT COUNT(*) FROM dids WHERE number = '+442079460000'"));
    }

    @Test
    void botOfAnotherWorkspaceIs422() {
        String other = api.client().post("/v1/workspaces", "{\"name\":\"Other\"}").json().path("id").asText();
        String foreignBot = api.client().post("/v1/workspaces/" + other + "/bots", "{\"name\":\"E\",\"kind\":\"echo\"}")
                .json().path("id").asText();
        Reply r = create("+33123456789", foreignBot);
        assertEquals(422, r.status(), r.toString());
        assertEquals(List.of("bot_id"), r.errorFields());
        assertTrue(r.json().path("detail").asText().contains(foreignBot), r.body());

        Reply missing = create("+33123456789", "bot_nonexistent");
        assertEquals(422, missing.status(), missing.toString());
        assertEquals(List.of("bot_id"), missing.errorFields());
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM dids WHERE number = '+33123456789'"));
    }

    @Test
    void missingFieldsAreNamed() {
        Reply r = api.client().post(dids, "{}");
        assertEquals(422, r.status(), r.toString());
        assertEquals(List.of("number", "bot_id"), r.errorFields());
    }

    @Test
    void listAndDelete() {
        String a = create("+4930123456", bot).json().path("id").asText();
        String b = create("reception", bot).json().path("id").asText();
        Reply list = api.client().get(dids);
        assertEquals(List.of(a, b), list.json().path("items").findValuesAsText("id"));

        assertEquals(204, api.client().delete(dids + "/" + a).status());
        assertEquals(List.of(b), api.client().get(dids).json().path("items").findValuesAsText("id"));
        Reply gone = api.client().delete(dids + "/" + a);
        assertEquals(404, gone.status(), gone.toString());
        assertEquals(List.of("did_id"), gone.errorFields());
        // A DID is found only through its own workspace.
        assertEquals(404, api.client().delete("/v1/workspaces/ws_demo_missing/dids/" + b).status());
    }

    @Test
    void unknownWorkspaceIs404() {
        Reply r = api.client().post("/v1/workspaces/ws_missing/dids", "{\"number\":\"+4930123457\",\"bot_id\":\"" + bot + "\"}");
        assertEquals(404, r.status(), r.toString());
        assertEquals(List.of("workspace_id"), r.errorFields());
    }

    private Reply create(String number, String botId) {
        return api.client().post(dids, "{\"number\":\"" + number + "\",\"bot_id\":\"" + botId + "\"}");
    }
}
