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

/** A trunk's REGISTER settings (issue 19 part 4), over real HTTP against real PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrunkRegistrationApiTest {

    private TestApi api;
    private String workspace;
    private String trunk;
    private String registration;

    @BeforeAll
    void start() {
        api = TestApi.start();
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @BeforeEach
    void outboundTrunk() {
        workspace = api.client().post("/v1/workspaces", "{\"name\":\"Registers\"}").json().path("id").asText();
        trunk = api.client().post("/v1/workspaces/" + workspace + "/trunks", "{\"name\":\"PBX\",\"host\":\"pbx.example\"}")
                .json().path("id").asText();
        registration = "/v1/workspaces/" + workspace + "/trunks/" + trunk + "/registration";
    }

    @Test
    void thePasswordIsSealedWriteOnlyAndKeptWhenAChangeLeavesItOut() {
        assertEquals(404, api.client().get(registration).status(), "no registration yet");
        String password = "reg s3cret\u00e9";
        Reply created = api.client().put(registration, "{\"registrar\":\"sip:PBX.example:5080\",\"transport\":\"tcp\","
                + "\"username\":\"1001\",\"password\":\"" + password + "\",\"expires\":600}");
        assertEquals(201, created.status(), created.toString());
        JsonNode r = created.json();
        assertEquals("sip:pbx.example:5080", r.path("registrar").asText());
        assertEquals("tcp", r.path("transport").asText());
        assertEquals("1001", r.path("username").asText());
        assertEquals(600, r.path("expires").asInt());
        assertEquals("unregistered", r.path("state").asText());
        assertTrue(r.path("has_password").asBoolean());
        assertTrue(r.path("holder_node").isNull());
        assertFalse(created.body().contains(password) || r.has("password") || r.has("password_enc"), created.body());
        String stored = api.db().text("SELECT password_enc FROM trunk_registrations WHERE trunk_id = '" + trunk + "'");
        SecretBox box = new SecretBox(Base64.getDecoder().decode(TestApi.SECRETS_KEY));
        assertEquals(password, box.open(stored));
        String contact = api.db().text("SELECT contact_user FROM trunk_registrations WHERE trunk_id = '" + trunk + "'");
        assertTrue(contact.matches("pbr[0-9a-f]{32}"), contact);
        assertFalse(created.body().contains(contact), "the Contact user reaches the trunk's workspace; only the registrar learns it");

        Reply got = api.client().get(registration);
        assertEquals(r, got.json());
        assertEquals(428, api.client().put(registration, "{\"registrar\":\"sip:pbx.example\",\"username\":\"1002\"}").status(),
                "a change needs If-Match");
        Reply changed = api.client().put(registration, "{\"registrar\":\"sip:pbx.example\",\"username\":\"1002\"}", got.etag());
        assertEquals(200, changed.status(), changed.toString());
        assertEquals("udp", changed.json().path("transport").asText());
        assertEquals(3600, changed.json().path("expires").asInt());
        assertEquals(stored, api.db().text("SELECT password_enc FROM trunk_registrations WHERE trunk_id = '" + trunk + "'"),
                "no password given: the stored one is kept");
        assertEquals("2", api.db().text("SELECT revision FROM trunk_registrations WHERE trunk_id = '" + trunk + "'"),
                "the holder sees the revision change and registers again");
        assertEquals(412, api.client().put(registration, "{\"registrar\":\"sip:pbx.example\",\"username\":\"1003\"}",
                got.etag()).status(), "a stale ETag");
        String current = api.client().get(registration).etag();
        api.db().execute("UPDATE trunk_registrations SET state = 'registered', holder_node = 'node-x', expires_at = "
                + "CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP WHERE trunk_id = '" + trunk + "'");
        Reply held = api.client().get(registration);
        assertEquals("registered", held.json().path("state").asText());
        assertEquals("node-x", held.json().path("holder_node").asText());
        assertEquals(current, held.etag(), "the holder's reports do not make an If-Match stale");

        assertEquals(204, api.client().delete(registration).status());
        assertEquals(404, api.client().get(registration).status());
    }

    @Test
    void badFieldsAreNamedInProblemJson() {
        Reply r = api.client().put(registration, "{\"registrar\":\"sip:1001@pbx.example;transport=tcp\",\"transport\":\"sctp\","
                + "\"username\":\"has space\",\"expires\":5}");
        assertEquals(422, r.status(), r.toString());
        assertEquals("application/problem+json", r.contentType().orElseThrow());
        assertEquals(List.of("registrar", "transport", "username", "password", "expires"), r.errorFields());
        Reply badPort = api.client().put(registration, "{\"registrar\":\"sip:pbx.example:70000\",\"username\":\"a\",\"password\":\"p\"}");
        assertEquals(List.of("registrar"), badPort.errorFields(), badPort.toString());
        Reply unknown = api.client().put(registration, "{\"registrar\":\"sip:pbx.example\",\"username\":\"a\",\"password\":\"p\",\"aor\":\"x\"}");
        assertEquals(400, unknown.status(), unknown.toString());
        assertTrue(unknown.errorFields().contains("aor"), unknown.toString());
    }

    @Test
    void onlyAnOutboundTrunkOfTheWorkspaceRegisters() {
        String inbound = api.client().post("/v1/workspaces/" + workspace + "/trunks", "{\"name\":\"In\",\"direction\":\"inbound\","
                + "\"allowed_cidrs\":[\"203.0.113.0/24\"]}").json().path("id").asText();
        Reply r = api.client().put("/v1/workspaces/" + workspace + "/trunks/" + inbound + "/registration",
                "{\"registrar\":\"sip:pbx.example\",\"username\":\"a\",\"password\":\"p\"}");
        assertEquals(422, r.status(), r.toString());
        assertEquals(List.of("direction"), r.errorFields());

        String other = api.client().post("/v1/workspaces", "{\"name\":\"Other\"}").json().path("id").asText();
        Reply foreign = api.client().put("/v1/workspaces/" + other + "/trunks/" + trunk + "/registration",
                "{\"registrar\":\"sip:pbx.example\",\"username\":\"a\",\"password\":\"p\"}");
        assertEquals(404, foreign.status(), "another workspace's trunk does not exist here");

        assertEquals(201, api.client().put(registration, "{\"registrar\":\"sip:[2001:DB8::1]:5070\",\"username\":\"a\","
                + "\"password\":\"p\"}").status());
        assertEquals("sip:[2001:db8::1]:5070", api.client().get(registration).json().path("registrar").asText());
        assertEquals(204, api.client().delete("/v1/workspaces/" + workspace + "/trunks/" + trunk).status());
        assertEquals("0", api.db().text("SELECT COUNT(*) FROM trunk_registrations WHERE trunk_id = '" + trunk + "'"),
                "deleting the trunk deletes its registration");
    }
}
