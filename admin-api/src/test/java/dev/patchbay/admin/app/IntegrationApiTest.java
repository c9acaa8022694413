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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ameyo and RingCX settings per workspace, over real HTTP against real PostgreSQL; secrets checked in the row. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntegrationApiTest {

    private static final String AMEYO = "{\"allowed_sources\":[\"203.0.113.0/28\",\"2001:db8::/32\",\"198.51.100.7\"],"
            + "\"notification_url\":\"https://management.ameyo.app:8887/ameyorestapi/voice/sendAgentResponseForCallNotification\","
            + "\"authorization\":\"tok-secret-1\",\"host\":\"tenant7.ameyo.app\",\"properties\":{\"campaign\":\"inbound\"},"
            + "\"bye_timeout_seconds\":45}";

    private TestApi api;
    private String workspace;
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
        workspace = api.client().post("/v1/workspaces", "{\"name\":\"Contact centre\"}").json().path("id").asText();
        base = "/v1/workspaces/" + workspace + "/integrations";
    }

    @Test
    void ameyoIsStoredWithTheTokenSealedAndNeverReturned() {
        assertEquals(404, api.client().get(base + "/ameyo").status(), "none before the first PUT");
        Reply r = api.client().put(base + "/ameyo", AMEYO);
        assertEquals(200, r.status(), r.toString());
        JsonNode a = r.json();
        assertEquals(List.of("203.0.113.0/28", "2001:db8::/32", "198.51.100.7"), toList(a.path("allowed_sources")));
        assertEquals("95", a.path("notification_id").asText(), "Ameyo's notificationId is the default");
        assertEquals("tenant7.ameyo.app", a.path("host").asText());
        assertEquals("inbound", a.path("properties").path("campaign").asText());
        assertEquals(45, a.path("bye_timeout_seconds").asInt());
        assertTrue(a.path("has_authorization").asBoolean());
        assertFalse(r.body().contains("tok-secret-1") || a.has("authorization"), r.body());
        assertEquals(a, api.client().get(base + "/ameyo").json());

        SecretBox box = new SecretBox(Base64.getDecoder().decode(TestApi.SECRETS_KEY));
        String sealed = api.db().text("SELECT authorization_enc FROM ameyo_integrations WHERE workspace_id = '" + workspace + "'");
        assertFalse(sealed.contains("tok-secret-1"), sealed);
        assertEquals("tok-secret-1", box.open(sealed));

        // A PUT without authorization keeps the token, since no client can read it back.
        Reply again = api.client().put(base + "/ameyo", AMEYO.replace("\"authorization\":\"tok-secret-1\",", "")
                .replace("45", "30"), r.etag());
        assertEquals(200, again.status(), again.toString());
        assertTrue(again.json().path("has_authorization").asBoolean());
        assertEquals(30, again.json().path("bye_timeout_seconds").asInt());
        assertEquals("tok-secret-1", box.open(api.db().text(
                "SELECT authorization_enc FROM ameyo_integrations WHERE workspace_id = '" + workspace + "'")));

        assertEquals(204, api.client().delete(base + "/ameyo").status());
        assertEquals(404, api.client().get(base + "/ameyo").status());
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void badAmeyoSettingsNameEveryField() {
        Reply r = api.client().put(base + "/ameyo", "{\"allowed_sources\":[\"10.0.0.0/33\",\"ameyo.example\"],"
                + "\"notification_url\":\"ftp://x\",\"host\":\"bad host\",\"notification_id\":\"9 5\",\"bye_timeout_seconds\":0}");
        assertEquals(422, r.status(), r.toString());
        assertEquals("application/problem+json", r.contentType().orElse(""));
        assertEquals(List.of("allowed_sources[0]", "allowed_sources[1]", "notification_url", "host", "notification_id",
                "bye_timeout_seconds"), r.errorFields());
        Reply missing = api.client().put(base + "/ameyo", "{\"properties\":{\"n\":1},\"allowed\":[]}");
        assertEquals(400, missing.status(), missing.toString());
        assertTrue(missing.errorFields().containsAll(List.of("properties.n", "allowed")), missing.toString());
        assertEquals(422, api.client().put(base + "/ameyo", "{}").status());
        assertEquals(404, api.client().put("/v1/workspaces/ws_nope/integrations/ameyo", AMEYO).status());
        assertEquals(0, Integer.parseInt(api.db().text("SELECT COUNT(*) FROM ameyo_integrations WHERE workspace_id = '"
                + workspace + "'")), "nothing half-created");
    }

    @Test
    void ringCxDefaultsToTheMediaPlanesInfoLimitAndRefusesMore() {
        Reply r = api.client().put(base + "/ringcx", "{}");
        assertEquals(200, r.status(), r.toString());
        assertEquals(8192, r.json().path("info_max_bytes").asInt());
        assertEquals(60, r.json().path("bye_timeout_seconds").asInt());
        Reply set = api.client().put(base + "/ringcx", "{\"info_max_bytes\":1024,\"bye_timeout_seconds\":5}", r.etag());
        assertEquals(1024, set.json().path("info_max_bytes").asInt());
        assertEquals(set.json(), api.client().get(base + "/ringcx").json());
        Reply big = api.client().put(base + "/ringcx", "{\"info_max_bytes\":9000,\"bye_timeout_seconds\":\"5\"}");
        assertEquals(400, big.status(), "a string for a number is a shape error: " + big);
        Reply over = api.client().put(base + "/ringcx", "{\"info_max_bytes\":9000}", set.etag());
        assertEquals(422, over.status(), over.toString());
        assertEquals(List.of("info_max_bytes"), over.errorFields());
        assertEquals(204, api.client().delete(base + "/ringcx").status());
        assertEquals(404, api.client().delete(base + "/ringcx").status());
    }

    @Test
    void asappSettingsNameABotOfTheWorkspaceAndFallBackWhenLeftOut() {
        String bot = api.client().post("/v1/workspaces/" + workspace + "/bots", "{\"name\":\"b\",\"kind\":\"echo\"}")
                .json().path("id").asText();
        Reply bad = api.client().put(base + "/asapp", "{\"bot_id\":\"bot_elsewhere\",\"transfer_ttl_seconds\":5,"
                + "\"default_return_transfer_type\":\"INVITE\"}");
        assertEquals(422, bad.status(), bad.toString());
        assertEquals(List.of("transfer_ttl_seconds", "default_return_transfer_type"), bad.errorFields());
        Reply foreign = api.client().put(base + "/asapp", "{\"bot_id\":\"bot_elsewhere\"}");
        assertEquals(422, foreign.status());
        assertEquals(List.of("bot_id"), foreign.errorFields());
        assertEquals(0, Integer.parseInt(api.db().text("SELECT COUNT(*) FROM asapp_integrations WHERE workspace_id = '"
                + workspace + "'")), "nothing half-created");

        Reply r = api.client().put(base + "/asapp", "{\"bot_id\":\"" + bot + "\",\"default_return_transfer_type\":\"REFER\"}");
        assertEquals(200, r.status(), r.toString());
        assertEquals(bot, r.json().path("bot_id").asText());
        assertTrue(r.json().path("transfer_ttl_seconds").isNull(), "left out: the gateway's default applies");
        assertEquals(428, api.client().put(base + "/asapp", "{\"transfer_ttl_seconds\":900}").status(),
                "replacing needs the ETag");
        Reply set = api.client().put(base + "/asapp", "{\"transfer_ttl_seconds\":900}", r.etag());
        assertEquals(900, set.json().path("transfer_ttl_seconds").asInt());
        assertEquals(set.json(), api.client().get(base + "/asapp").json());
        assertEquals(204, api.client().delete(base + "/asapp").status());
        assertEquals(404, api.client().get(base + "/asapp").status());
    }
}
