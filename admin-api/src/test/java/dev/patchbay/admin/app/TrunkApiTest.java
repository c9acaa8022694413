package dev.patchbay.admin.app;

import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.TestApi;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.schema.SecretBox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIP trunks, over real HTTP against real PostgreSQL; passwords checked in the row itself. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrunkApiTest {

    private TestApi api;
    private String workspace;
    private String trunks;

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
        workspace = api.client().post("/v1/workspaces", "{\"name\":\"Trunks\"}").json().path("id").asText();
        trunks = "/v1/workspaces/" + workspace + "/trunks";
    }

    @Test
    void passwordIsSealedAndNeverReturned() {
        String password = "s3cret pass\u00e9";
        Reply r = api.client().post(trunks, "{\"name\":\"Carrier\",\"host\":\"SIP.Carrier.example\",\"port\":5080,"
                + "\"transport\":\"tcp\",\"username\":\"acct-1001\",\"password\":\"" + password + "\"}");
        assertEquals(201, r.status(), r.toString());
        JsonNode t = r.json();
        String id = t.path("id").asText();
        assertTrue(id.matches("trunk_[0-9A-Za-z]{20}"), id);
        assertEquals("sip.carrier.example", t.path("host").asText());
        assertEquals(5080, t.path("port").asInt());
        assertEquals("tcp", t.path("transport").asText());
        assertEquals("acct-1001", t.path("username").asText());
        assertTrue(t.path("has_password").asBoolean(), r.body());
        assertFalse(t.has("password") || t.has("password_enc"), r.body());
        assertFalse(r.body().contains(password), r.body());
        assertEquals(trunks + "/" + id, r.location().orElseThrow());
        assertEquals(t, api.client().get(r.location().orElseThrow()).json());

        String stored = api.db().text("SELECT password_enc FROM trunks WHERE id = '" + id + "'");
        assertTrue(stored.startsWith("v2:"), stored);
        assertFalse(stored.contains(password), stored);
        SecretBox box = new SecretBox(Base64.getDecoder().decode(TestApi.SECRETS_KEY));
        assertEquals(password, box.open(stored));
    }

    @Test
    void anInboundTrunkKeepsItsAllowListAndNeverShowsItsPassword() {
        String password = "inbound s3cret";
        Reply r = api.client().post(trunks, "{\"name\":\"PBX\",\"direction\":\"inbound\",\"allowed_cidrs\":"
                + "[\" 203.0.113.0/24\",\"2001:db8::/32\",\"198.51.100.7\"],\"transports\":[\"tls\",\"udp\"],"
                + "\"tls_required\":true,\"username\":\"pbx-1\",\"password\":\"" + password + "\"}");
        assertEquals(201, r.status(), r.toString());
        JsonNode t = r.json();
        assertEquals("inbound", t.path("direction").asText());
        assertEquals("[\"203.0.113.0/24\",\"2001:db8::/32\",\"198.51.100.7\"]", t.path("allowed_cidrs").toString(), r.body());
        assertEquals("[\"udp\",\"tls\"]", t.path("transports").toString());
        assertTrue(t.path("tls_required").asBoolean());
        assertTrue(t.path("has_password").asBoolean());
        assertFalse(t.has("host") || t.has("password") || r.body().contains(password), r.body());
        assertEquals(t, api.client().get(r.location().orElseThrow()).json());
        String id = t.path("id").asText();
        assertEquals("inbound", api.db().text("SELECT direction FROM trunks WHERE id = '" + id + "'"));
        assertEquals("udp,tls", api.db().text("SELECT transports FROM trunks WHERE id = '" + id + "'"));
        SecretBox box = new SecretBox(Base64.getDecoder().decode(TestApi.SECRETS_KEY));
        assertEquals(password, box.open(api.db().text("SELECT password_enc FROM trunks WHERE id = '" + id + "'")));

        Reply digestOnly = api.client().post(trunks, "{\"name\":\"CC\",\"direction\":\"inbound\",\"username\":\"u\","
                + "\"password\":\"p\"}");
        assertEquals(201, digestOnly.status(), digestOnly.toString());
        assertEquals("[\"udp\",\"tcp\",\"tls\"]", digestOnly.json().path("transports").toString(), "all transports by default");
    }

    @Test
    void inboundValidationNamesTheEntryAtFault() {
        Reply r = api.client().post(trunks, "{\"name\":\"PBX\",\"direction\":\"inbound\",\"allowed_cidrs\":"
                + "[\"203.0.113.0/24\",\"10.0.0.0/8\",\"10.0.0.0/33\",\"pbx.example\"],\"transports\":[\"udp\",\"sctp\"]}");
        assertEquals(422, r.status(), r.toString());
        assertEquals(ApiJson.PROBLEM_JSON, r.contentType().orElseThrow());
        assertEquals(List.of("allowed_cidrs[2]", "allowed_cidrs[3]", "transports[1]"), r.errorFields());
        assertTrue(r.body().contains("prefix length outside 0-32"), r.body());
        assertInvalid("{\"name\":\"x\",\"direction\":\"inbound\"}", "allowed_cidrs");
        assertInvalid("{\"name\":\"x\",\"direction\":\"inbound\",\"username\":\"u\"}", "password");
        assertInvalid("{\"name\":\"x\",\"direction\":\"inbound\",\"allowed_cidrs\":[\"10.0.0.1\"],\"transports\":[]}",
                "transports");
        assertInvalid("{\"name\":\"x\",\"direction\":\"inbound\",\"allowed_cidrs\":[\"10.0.0.1\"],\"transports\":[\"udp\"],"
                + "\"tls_required\":true}", "tls_required");
        assertInvalid("{\"name\":\"x\",\"direction\":\"inbound\",\"allowed_cidrs\":[\"10.0.0.1\"],\"host\":\"a.example\"}",
                "host");
        assertInvalid("{\"name\":\"x\",\"host\":\"a.example\",\"allowed_cidrs\":[\"10.0.0.1\"]}", "allowed_cidrs");
        assertInvalid("{\"name\":\"x\",\"direction\":\"sideways\"}", "direction");
        Reply type = api.client().post(trunks, "{\"name\":\"x\",\"direction\":\"inbound\",\"tls_required\":\"yes\"}");
        assertEquals(400, type.status(), type.toString());
        assertEquals(List.of("tls_required"), type.errorFields());
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM trunks WHERE workspace_id = '" + workspace + "'"));
    }

    @Test
    void anInboundTrunksAllowListCanBeChangedInPlace() {
        String id = api.client().post(trunks, "{\"name\":\"PBX\",\"direction\":\"inbound\",\"allowed_cidrs\":[\"10.0.0.0/8\"]}")
                .json().path("id").asText();
        Reply r = api.client().patch(trunks + "/" + id, "{\"allowed_cidrs\":[\"10.0.0.0/8\",\"127.0.0.1/32\"]}");
        assertEquals(200, r.status(), r.toString());
        assertEquals("[\"10.0.0.0/8\",\"127.0.0.1/32\"]", r.json().path("allowed_cidrs").toString());
        assertEquals("10.0.0.0/8,127.0.0.1/32", api.db().text("SELECT allowed_cidrs FROM trunks WHERE id = '" + id + "'"));
        assertEquals(r.json(), api.client().get(trunks + "/" + id).json());

        Reply bad = api.client().patch(trunks + "/" + id, "{\"allowed_cidrs\":[\"10.0.0.0/8\",\"x\",\"1.2.3.4/40\"]}");
        assertEquals(422, bad.status(), bad.toString());
        assertEquals(List.of("allowed_cidrs[1]", "allowed_cidrs[2]"), bad.errorFields());
        Reply empty = api.client().patch(trunks + "/" + id, "{\"allowed_cidrs\":[]}");
        assertEquals(List.of("allowed_cidrs"), empty.errorFields(), "without digest credentials it would admit nobody");
        assertEquals("10.0.0.0/8,127.0.0.1/32", api.db().text("SELECT allowed_cidrs FROM trunks WHERE id = '" + id + "'"));

        String out = api.client().post(trunks, "{\"name\":\"c\",\"host\":\"carrier.example\"}").json().path("id").asText();
        Reply outbound = api.client().patch(trunks + "/" + out, "{\"tls_required\":true}");
        assertEquals(422, outbound.status(), outbound.toString());
        assertEquals(List.of("tls_required"), outbound.errorFields());
        Reply renamed = api.client().patch(trunks + "/" + id, "{\"name\":\"other\"}");
        assertEquals(422, renamed.status(), renamed.toString());
        assertEquals(List.of("name"), renamed.errorFields());
        assertEquals(404, api.client().patch(trunks + "/trunk_00000000000000000000", "{}").status());
    }

    @Test
    void anOutboundTrunkIsEditedInPlaceAndItsPasswordStaysWriteOnly() {
        Reply created = api.client().post(trunks, "{\"name\":\"carrier\",\"host\":\"sip.carrier.example\","
                + "\"username\":\"acme\",\"password\":\"first-SECRET\"}");
        String id = created.json().path("id").asText();
        String sealed = api.db().text("SELECT password_enc FROM trunks WHERE id = '" + id + "'");
        Reply r = api.client().patch(trunks + "/" + id, "{\"host\":\"sip2.carrier.example\",\"port\":5080,"
                + "\"caller_id\":\"+14155550100\"}", created.etag());
        assertEquals(200, r.status(), r.toString());
        assertEquals("sip2.carrier.example", r.json().path("host").asText());
        assertEquals(5080, r.json().path("port").asInt());
        assertEquals("acme", r.json().path("username").asText());
        assertTrue(r.json().path("has_password").asBoolean() && !r.body().contains("SECRET"), r.toString());
        assertEquals(sealed, api.db().text("SELECT password_enc FROM trunks WHERE id = '" + id + "'"),
                "a change without a password kept the stored one");

        Reply pw = api.client().patch(trunks + "/" + id, "{\"password\":\"second-SECRET\"}", r.etag());
        assertEquals(200, pw.status(), pw.toString());
        assertTrue(!pw.body().contains("SECRET"), pw.toString());
        assertTrue(!sealed.equals(api.db().text("SELECT password_enc FROM trunks WHERE id = '" + id + "'")));
        String audit = api.client().get("/v1/workspaces/" + workspace + "/audit-log?limit=200").body();
        assertTrue(audit.contains("credentials_changed") && !audit.contains("SECRET"), audit);

        Reply bad = api.client().patch(trunks + "/" + id, "{\"host\":\"bad host!\",\"allowed_cidrs\":[\"10.0.0.0/8\"]}");
        assertEquals(422, bad.status(), bad.toString());
        assertEquals(List.of("allowed_cidrs"), bad.errorFields());
        Reply badHost = api.client().patch(trunks + "/" + id, "{\"host\":\"bad host!\"}");
        assertEquals(422, badHost.status(), badHost.toString());
        assertEquals(List.of("host"), badHost.errorFields());
        Reply noUser = api.client().patch(trunks + "/" + id, "{\"username\":null}");
        assertEquals(List.of("username"), noUser.errorFields(), "a stored password needs its username");
        assertEquals("sip2.carrier.example", api.db().text("SELECT host FROM trunks WHERE id = '" + id + "'"));
        assertEquals(412, api.client().patch(trunks + "/" + id, "{\"port\":5090}", created.etag()).status());
    }

    @Test
    void anOutboundTrunkMayPinItsCallerId() {
        Reply r = api.client().post(trunks, "{\"name\":\"c\",\"host\":\"carrier.example\",\"caller_id\":\"+14155550100\","
                + "\"caller_id_override\":false}");
        assertEquals(201, r.status(), r.toString());
        assertEquals("outbound", r.json().path("direction").asText());
        assertEquals("+14155550100", r.json().path("caller_id").asText());
        assertFalse(r.json().path("caller_id_override").asBoolean(true), r.body());
        Reply open = api.client().post(trunks, "{\"name\":\"d\",\"host\":\"carrier.example\"}");
        assertTrue(open.json().path("caller_id").isNull() && open.json().path("caller_id_override").asBoolean(), open.body());
        assertInvalid("{\"name\":\"x\",\"host\":\"carrier.example\",\"caller_id\":\"4155550100\"}", "caller_id");
        assertInvalid("{\"name\":\"x\",\"host\":\"carrier.example\",\"caller_id_override\":false}", "caller_id");
    }

    @Test
    void dtmfModeDefaultsToAutoIsKeptPerTrunkAndAnUnknownOneIsNamed() {
        Reply plain = api.client().post(trunks, "{\"name\":\"a\",\"host\":\"carrier.example\"}");
        assertEquals("auto", plain.json().path("dtmf_mode").asText(), plain.body());
        for (String mode : List.of("auto", "rfc4733", "inband", "info")) {
            Reply out = api.client().post(trunks, "{\"name\":\"o\",\"host\":\"carrier.example\",\"dtmf_mode\":\"" + mode + "\"}");
            assertEquals(201, out.status(), out.toString());
            assertEquals(mode, api.client().get(trunks + "/" + out.json().path("id").asText()).json().path("dtmf_mode").asText());
        }
        Reply in = api.client().post(trunks, "{\"name\":\"i\",\"direction\":\"inbound\",\"allowed_cidrs\":[\"192.0.2.0/24\"],"
                + "\"dtmf_mode\":\"inband\"}");
        assertEquals(201, in.status(), in.toString());
        assertEquals("inband", in.json().path("dtmf_mode").asText());
        Reply bad = api.client().post(trunks, "{\"name\":\"x\",\"host\":\"carrier.example\",\"dtmf_mode\":\"2833\"}");
        assertEquals(422, bad.status(), bad.toString());
        assertEquals(List.of("dtmf_mode"), bad.errorFields());
        assertTrue(bad.body().contains("auto, rfc4733, inband, info"), bad.body());
        assertEquals("application/problem+json", bad.header("Content-Type").orElse(""), bad.toString());
    }

    @Test
    void codecsAreKeptInTheGivenOrderPerTrunkAndEveryBadEntryIsNamed() {
        Reply plain = api.client().post(trunks, "{\"name\":\"a\",\"host\":\"carrier.example\"}");
        assertTrue(plain.json().path("codecs").isNull(), "no order: Patchbay's default; " + plain.body());
        assertNull(api.db().text("SELECT codecs FROM trunks WHERE id = '" + plain.json().path("id").asText() + "'"));

        Reply out = api.client().post(trunks, "{\"name\":\"o\",\"host\":\"carrier.example\",\"codecs\":[\"g722\",\"OPUS\",\"PCMU\",\"PCMA\"]}");
        assertEquals(201, out.status(), out.toString());
        String id = out.json().path("id").asText();
        assertEquals("[\"G722\",\"opus\",\"PCMU\",\"PCMA\"]", api.client().get(trunks + "/" + id).json().path("codecs").toString(),
                "stored in its canonical spelling, in the given order");
        assertEquals("G722,opus,PCMU,PCMA", api.db().text("SELECT codecs FROM trunks WHERE id = '" + id + "'"));
        Reply in = api.client().post(trunks, "{\"name\":\"i\",\"direction\":\"inbound\",\"allowed_cidrs\":[\"192.0.2.0/24\"],"
                + "\"codecs\":[\"PCMA\"]}");
        assertEquals(201, in.status(), in.toString());
        assertEquals("[\"PCMA\"]", in.json().path("codecs").toString());

        Reply bad = api.client().post(trunks, "{\"name\":\"x\",\"host\":\"carrier.example\",\"codecs\":[\"PCMU\",\"G729\",\"pcmu\"]}");
        assertEquals(422, bad.status(), bad.toString());
        assertEquals(List.of("codecs[1]", "codecs[2]"), bad.errorFields());
        assertTrue(bad.body().contains("G729") && bad.body().contains("listed twice"), bad.body());
        assertEquals("application/problem+json", bad.header("Content-Type").orElse(""), bad.toString());
        Reply empty = api.client().post(trunks, "{\"name\":\"x\",\"host\":\"carrier.example\",\"codecs\":[]}");
        assertEquals(List.of("codecs"), empty.errorFields(), empty.body());
        Reply notAList = api.client().post(trunks, "{\"name\":\"x\",\"host\":\"carrier.example\",\"codecs\":\"PCMU\"}");
        assertEquals(400, notAList.status(), notAList.toString());
        assertEquals(List.of("codecs"), notAList.errorFields(), notAList.body());
    }

    @Test
    void defaultsAreUdpOn5060AndTlsOn5061() {
        Reply udp = api.client().post(trunks, "{\"name\":\"u\",\"host\":\"10.0.0.1\"}");
        assertEquals(201, udp.status(), udp.toString());
        assertEquals("udp", udp.json().path("transport").asText());
        assertEquals(5060, udp.json().path("port").asInt());
        assertTrue(udp.json().path("username").isNull(), udp.body());
        assertFalse(udp.json().path("has_password").asBoolean(), udp.body());
        assertNull(api.db().text("SELECT password_enc FROM trunks WHERE id = '" + udp.json().path("id").asText() + "'"));

        Reply tls = api.client().post(trunks, "{\"name\":\"t\",\"host\":\"sbc.example\",\"transport\":\"tls\"}");
        assertEquals(201, tls.status(), tls.toString());
        assertEquals(5061, tls.json().path("port").asInt());
    }

    @Test
    void ipv6HostIsStoredInBrackets() {
        for (String host : List.of("2001:db8::1", "[2001:DB8::1]")) {
            Reply r = api.client().post(trunks, "{\"name\":\"v6\",\"host\":\"" + host + "\"}");
            assertEquals(201, r.status(), host + " -> " + r);
            assertEquals("[2001:db8::1]", r.json().path("host").asText());
        }
    }

    @Test
    void validationNamesEveryBadField() {
        Reply r = api.client().post(trunks, "{\"host\":\"sip:carrier.example:5060\",\"port\":70000,"
                + "\"transport\":\"sctp\",\"username\":\"has space\",\"password\":\"\"}");
        assertEquals(422, r.status(), r.toString());
        assertEquals(ApiJson.PROBLEM_JSON, r.contentType().orElseThrow());
        assertEquals(List.of("name", "host", "transport", "port", "username", "password"), r.errorFields());
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM trunks WHERE workspace_id = '" + workspace + "'"));
    }

    @Test
    void badHostsAndPortsNameTheirField() {
        for (String host : List.of("", "carrier.example/path", "-bad.example", "a..b", "999.1.1.1", "1.2.3.256",
                "carrier.example:5060", "fe80::1%eth0", "[::1", "x".repeat(64) + ".example", "under_score.example",
                "http://carrier.example", "1.2.3")) {
            assertInvalid("{\"name\":\"x\",\"host\":\"" + host + "\"}", "host");
        }
        for (long port : List.of(0L, -1L, 65536L)) {
            assertInvalid("{\"name\":\"x\",\"host\":\"carrier.example\",\"port\":" + port + "}", "port");
        }
        assertInvalid("{\"name\":\"x\",\"host\":\"carrier.example\",\"transport\":\"UDP\"}", "transport");
        assertInvalid("{\"name\":\"x\",\"host\":\"carrier.example\",\"password\":\"pw\"}", "username");
        assertInvalid("{\"name\":\"x\",\"host\":\"carrier.example\",\"username\":\"u\",\"password\":\""
                + "p".repeat(513) + "\"}", "password");
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM trunks WHERE workspace_id = '" + workspace + "'"));
    }

    @Test
    void goodHostsAreAccepted() {
        for (String host : List.of("carrier.example", "sip.carrier.example.", "a-b.c-d.example", "192.0.2.10", "::1",
                "localhost")) {
            Reply r = api.client().post(trunks, "{\"name\":\"x\",\"host\":\"" + host + "\"}");
            assertEquals(201, r.status(), host + " -> " + r);
        }
    }

    @Test
    void wrongTypesAndUnknownFieldsAre400() {
        Reply port = api.client().post(trunks, "{\"name\":\"x\",\"host\":\"carrier.example\",\"port\":\"5060\"}");
        assertEquals(400, port.status(), port.toString());
        assertEquals(List.of("port"), port.errorFields());
        Reply unknown = api.client().post(trunks, "{\"name\":\"x\",\"host\":\"carrier.example\",\"realm\":\"r\"}");
        assertEquals(400, unknown.status(), unknown.toString());
        assertEquals(List.of("realm"), unknown.errorFields());
    }

    @Test
    void listGetAndDelete() {
        String a = api.client().post(trunks, "{\"name\":\"a\",\"host\":\"a.example\"}").json().path("id").asText();
        String b = api.client().post(trunks, "{\"name\":\"b\",\"host\":\"b.example\",\"username\":\"u\",\"password\":\"p\"}")
                .json().path("id").asText();
        Reply list = api.client().get(trunks);
        assertEquals(200, list.status(), list.toString());
        assertEquals(List.of(a, b), list.json().path("items").findValuesAsText("id"));
        assertFalse(list.body().contains("password_enc") || list.body().contains("\"p\""), list.body());

        assertEquals(204, api.client().delete(trunks + "/" + a).status());
        assertEquals(List.of(b), api.client().get(trunks).json().path("items").findValuesAsText("id"));
        Reply gone = api.client().delete(trunks + "/" + a);
        assertEquals(404, gone.status(), gone.toString());
        assertEquals(List.of("trunk_id"), gone.errorFields());
        assertEquals(404, api.client().get(trunks + "/" + a).status());
    }

    @Test
    void anotherWorkspacesTrunkIs404() {
        String id = api.client().post(trunks, "{\"name\":\"mine\",\"host\":\"carrier.example\"}").json().path("id").asText();
        String other = api.client().post("/v1/workspaces", "{\"name\":\"Other\"}").json().path("id").asText();
        String theirs = "/v1/workspaces/" + other + "/trunks/" + id;
        assertEquals(404, api.client().get(theirs).status());
        Reply delete = api.client().delete(theirs);
        assertEquals(404, delete.status(), delete.toString());
        assertEquals(List.of("trunk_id"), delete.errorFields());
        assertEquals(List.of(), api.client().get("/v1/workspaces/" + other + "/trunks").json().path("items")
                .findValuesAsText("id"));
        assertEquals(1, api.db().count("SELECT COUNT(*) FROM trunks WHERE id = '" + id + "'"));
    }

    @Test
    void unknownWorkspaceIs404() {
        Reply r = api.client().post("/v1/workspaces/ws_missing/trunks", "{\"name\":\"x\",\"host\":\"carrier.example\"}");
        assertEquals(404, r.status(), r.toString());
        assertEquals(List.of("workspace_id"), r.errorFields());
    }

    private void assertInvalid(String body, String field) {
        Reply r = api.client().post(trunks, body);
        assertEquals(422, r.status(), body + " -> " + r);
        assertEquals(List.of(field), r.errorFields(), body + " -> " + r);
    }
}
