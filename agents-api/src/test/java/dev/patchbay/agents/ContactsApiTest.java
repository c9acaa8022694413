package dev.patchbay.agents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static dev.patchbay.agents.AgentsRig.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Seed 003 §5 over real HTTP and PostgreSQL: the address book, its call counts, filters and scope. */
class ContactsApiTest {

    private static AgentsRig rig;
    private static CallRows calls;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
        calls = new CallRows(rig);
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static JsonNode create(String agent, String sessionId, String name, String number, String labels) throws Exception {
        AgentsRig.Answer a = rig.call("POST", "/api/v1/contacts", KEY_A, agent, "{\"session_id\":\"" + sessionId
                + "\",\"name\":\"" + name + "\",\"phone_number\":\"" + number + "\",\"labels\":" + labels + "}");
        assertEquals(201, a.status(), a.body().toString());
        return a.body();
    }

    @Test
    void createNormalisesAndListCountsTheSessionsCallsToTheNumber() throws Exception {
        String sid = rig.session("agent-c1").get("session_id").asText();
        AgentsRig.Answer a = rig.call("POST", "/api/v1/contacts", KEY_A, "agent-c1", "{\"session_id\":\"" + sid
                + "\",\"name\":\" John Doe \",\"phone_number\":\"+1 (415) 555-1234\",\"labels\":[\"customer\",\"priority\","
                + "\" customer\"],\"notes\":\"Main contact for ABC Corp\",\"metadata\":{\"company\":\"ABC Corp\","
                + "\"department\":\"Sales\"}}");
        assertEquals(201, a.status(), a.body().toString());
        String id = a.body().get("contact_id").asText();
        assertEquals("/api/v1/contacts/" + id, a.headers().firstValue("Location").orElse(""));
        assertEquals("John Doe", a.body().get("name").asText());
        assertEquals("+14155551234", a.body().get("phone_number").asText());
        assertEquals("[\"customer\",\"priority\"]", a.body().get("labels").toString());
        assertEquals("2026-02-05T12:00:00Z", a.body().get("created_at").asText());

        Instant t = Instant.parse("2026-02-05T12:30:15Z");
        calls.add(sid, "+14155551234", "completed", t.minusSeconds(3600), null, null, "US", "mobile", 0L, null);
        calls.add(sid, "+14155551234", "no-answer", t, null, null, "US", "mobile", 0L, null);
        calls.add(sid, "+14155551234", "failed", t.minusSeconds(60), null, null, "US", "mobile", 0L, null);
        calls.add(sid, "+14155559999", "completed", t.plusSeconds(60), null, null, "US", "mobile", 0L, null);
        String other = rig.session("agent-c1").get("session_id").asText();
        calls.add(other, "+14155551234", "completed", t.plusSeconds(120), null, null, "US", "mobile", 0L, null);

        AgentsRig.Answer list = rig.call("GET", "/api/v1/contacts?session_id=" + sid, KEY_A, "agent-c1", null);
        assertEquals(200, list.status());
        assertEquals(1, list.body().get("total").asInt());
        JsonNode c = list.body().get("contacts").get(0);
        assertEquals(id, c.get("contact_id").asText());
        assertEquals(3, c.get("call_count").asInt(), "three calls of this session to the number");
        assertEquals("2026-02-05T12:30:15Z", c.get("last_called").asText());
        JsonNode one = rig.call("GET", "/api/v1/contacts/" + id, KEY_A, "agent-c1", null).body();
        assertEquals("{\"company\":\"ABC Corp\",\"department\":\"Sales\"}", one.get("metadata").toString());
        assertEquals("Main contact for ABC Corp", one.get("notes").asText());
        assertEquals(3, one.get("call_count").asInt());
    }

    @Test
    void searchMatchesNameOrNumberAndLabelFiltersExactly() throws Exception {
        String sid = rig.session("agent-c2").get("session_id").asText();
        create("agent-c2", sid, "John Doe", "+14155551234", "[\"customer\"]");
        create("agent-c2", sid, "Jane Roe", "+447400123456", "[\"priority\",\"customer-vip\"]");
        create("agent-c2", sid, "100% Sure_Thing", "+919876543210", "[\"customer\",\"priority\"]");
        assertEquals(List.of("John Doe"), names(sid, "search=JOHN"));
        assertEquals(List.of("Jane Roe"), names(sid, "search=7400%20123"));
        assertEquals(List.of("100% Sure_Thing"), names(sid, "search=%25"), "% is a literal, not a wildcard");
        assertEquals(List.of("100% Sure_Thing"), names(sid, "search=e_t"), "_ too");
        assertEquals(List.of("100% Sure_Thing", "Jane Roe"), names(sid, "label=priority"));
        assertEquals(List.of("100% Sure_Thing", "John Doe"), names(sid, "label=customer"), "customer-vip is another label");
        assertEquals(List.of("100% Sure_Thing", "Jane Roe", "John Doe"), names(sid, ""));
        JsonNode page = rig.call("GET", "/api/v1/contacts?session_id=" + sid + "&label=priority&limit=1&offset=1", KEY_A,
                "agent-c2", null).body();
        assertEquals(2, page.get("total").asInt());
        assertEquals("Jane Roe", page.get("contacts").get(0).get("name").asText());
        assertEquals(1, page.get("contacts").size());
        AgentsRig.Answer bad = rig.call("GET", "/api/v1/contacts?session_id=" + sid + "&limit=0", KEY_A, "agent-c2", null);
        assertEquals(422, bad.status());
        assertEquals("limit", bad.body().get("errors").get(0).get("field").asText());
    }

    @Test
    void invalidFieldsAre422NamingEachAndStoreNothing() throws Exception {
        String sid = rig.session("agent-c3").get("session_id").asText();
        StringBuilder labels = new StringBuilder("[");
        for (int i = 0; i < 21; i++) {
            labels.append(i == 0 ? "" : ",").append("\"l").append(i).append('"');
        }
        AgentsRig.Answer a = rig.call("POST", "/api/v1/contacts", KEY_A, "agent-c3", "{\"session_id\":\"" + sid
                + "\",\"name\":\"\",\"phone_number\":\"+1555\",\"labels\":[\"ok\",\"a,b\",\"" + "x".repeat(65) + "\"],"
                + "\"notes\":\"" + "n".repeat(4097) + "\",\"metadata\":{\"k\":\"" + "m".repeat(8200) + "\"}}");
        assertEquals(422, a.status(), a.body().toString());
        assertEquals(Set.of("name", "phone_number", "labels[1]", "labels[2]", "notes", "metadata"), fields(a));
        AgentsRig.Answer many = rig.call("POST", "/api/v1/contacts", KEY_A, "agent-c3", "{\"session_id\":\"" + sid
                + "\",\"name\":\"A\",\"phone_number\":\"+14155551234\",\"labels\":" + labels + "]}");
        assertEquals(Set.of("labels"), fields(many));
        AgentsRig.Answer noSession = rig.call("POST", "/api/v1/contacts", KEY_A, "agent-c3",
                "{\"name\":\"A\",\"phone_number\":\"12\"}");
        assertEquals(Set.of("session_id", "phone_number"), fields(noSession));
        AgentsRig.Answer shape = rig.call("POST", "/api/v1/contacts", KEY_A, "agent-c3", "{\"session_id\":\"" + sid
                + "\",\"name\":\"A\",\"phone_number\":\"+14155551234\",\"labels\":\"vip\",\"email\":\"a@b\"}");
        assertEquals(400, shape.status());
        assertEquals(Set.of("labels", "email"), fields(shape));
        assertEquals(0, rig.count("SELECT COUNT(*) FROM agent_contacts WHERE session_id = '" + sid + "'"));
    }

    @Test
    void anotherWorkspaceSees404AnotherAgentOrToken403() throws Exception {
        JsonNode s = rig.session("agent-c4");
        String sid = s.get("session_id").asText();
        String id = create("agent-c4", sid, "John Doe", "+14155551234", "[]").get("contact_id").asText();
        String path = "/api/v1/contacts/" + id;
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            String body = method.equals("PUT") ? "{\"name\":\"X\"}" : null;
            AgentsRig.Answer b = rig.call(method, path, KEY_B, "agent-c4", body);
            assertEquals(404, b.status(), method);
            assertEquals("contact_id", b.body().get("errors").get(0).get("field").asText());
            assertEquals(403, rig.call(method, path, KEY_A, "agent-other", body).status(), method);
        }
        assertEquals(404, rig.call("GET", "/api/v1/contacts?session_id=" + sid, KEY_B, "agent-c4", null).status());
        assertEquals(200, rig.call("GET", path, s.get("session_token").asText(), null, null).status());
        String otherToken = rig.session("agent-c4").get("session_token").asText();
        assertEquals(403, rig.call("GET", path, otherToken, null, null).status());
        assertEquals(404, rig.call("GET", "/api/v1/contacts/cnt_nope", KEY_A, "agent-c4", null).status());
        assertEquals("John Doe", rig.call("GET", path, KEY_A, "agent-c4", null).body().get("name").asText(), "unchanged");
    }

    @Test
    void putChangesOnlyTheGivenFieldsAndDeleteRemoves() throws Exception {
        String sid = rig.session("agent-c5").get("session_id").asText();
        JsonNode c = rig.call("POST", "/api/v1/contacts", KEY_A, "agent-c5", "{\"session_id\":\"" + sid + "\",\"name\":"
                + "\"John\",\"phone_number\":\"+14155551234\",\"labels\":[\"a\"],\"notes\":\"n\",\"metadata\":{\"k\":\"v\"}}")
                .body();
        String path = "/api/v1/contacts/" + c.get("contact_id").asText();
        calls.add(sid, "+442079460000", "completed", Instant.parse("2026-02-05T11:00:00Z"), null, null, "GB", "landline",
                0L, null);
        rig.now.set(Instant.parse("2026-02-05T13:00:00Z"));
        AgentsRig.Answer put = rig.call("PUT", path, KEY_A, "agent-c5",
                "{\"labels\":[\"b\",\"c\"],\"notes\":null,\"phone_number\":\"+44 20 7946 0000\"}");
        assertEquals(200, put.status(), put.body().toString());
        assertEquals("John", put.body().get("name").asText());
        assertEquals("+442079460000", put.body().get("phone_number").asText());
        assertEquals("[\"b\",\"c\"]", put.body().get("labels").toString());
        assertEquals(true, put.body().get("notes").isNull(), "null clears");
        assertEquals("{\"k\":\"v\"}", put.body().get("metadata").toString(), "absent keeps");
        assertEquals(1, put.body().get("call_count").asInt(), "counts follow the new number");
        assertEquals("2026-02-05T13:00:00Z", put.body().get("updated_at").asText());
        assertEquals("2026-02-05T12:00:00Z", put.body().get("created_at").asText());
        AgentsRig.Answer move = rig.call("PUT", path, KEY_A, "agent-c5", "{\"session_id\":\"sess_other\"}");
        assertEquals(422, move.status());
        assertEquals("session_id", move.body().get("errors").get(0).get("field").asText());
        AgentsRig.Answer badNumber = rig.call("PUT", path, KEY_A, "agent-c5", "{\"phone_number\":\"+15555555\"}");
        assertEquals(422, badNumber.status());
        assertEquals("phone_number", badNumber.body().get("errors").get(0).get("field").asText());
        AgentsRig.Answer del = rig.call("DELETE", path, KEY_A, "agent-c5", null);
        assertEquals(200, del.status());
        assertEquals(true, del.body().get("success").asBoolean());
        assertEquals(404, rig.call("GET", path, KEY_A, "agent-c5", null).status());
        assertEquals(404, rig.call("DELETE", path, KEY_A, "agent-c5", null).status());
        rig.now.set(Instant.parse("2026-02-05T12:00:00Z"));
    }

    private static List<String> names(String sid, String query) throws Exception {
        AgentsRig.Answer a = rig.call("GET", "/api/v1/contacts?session_id=" + sid + (query.isEmpty() ? "" : "&" + query),
                KEY_A, "agent-c2", null);
        assertEquals(200, a.status(), a.body().toString());
        List<String> out = new ArrayList<>();
        a.body().get("contacts").forEach(c -> out.add(c.get("name").asText()));
        assertEquals(out.size(), a.body().get("total").asInt());
        return out;
    }

    private static Set<String> fields(AgentsRig.Answer a) {
        Set<String> out = new TreeSet<>();
        a.body().get("errors").forEach(e -> out.add(e.get("field").asText()));
        return out;
    }
}
