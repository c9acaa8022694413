package dev.patchbay.agents;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seed 003 security over real HTTP and PostgreSQL: the IP allow-list (workspace A) and key rotation (workspace B). */
class SecurityApiTest {

    private static AgentsRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static AgentsRig.Answer whitelist(String bearer, String body) throws Exception {
        return rig.call("POST", "/api/v1/security/whitelist", bearer, bearer.startsWith("tk_") ? null : "agent-s", body);
    }

    @Test
    void allowListRefusesToLockTheCallerOutAndNamesBadEntries() throws Exception {
        AgentsRig.Answer lockout = whitelist(KEY_A, "{\"ip_addresses\":[\"203.0.113.0/24\"],\"description\":\"Agent server IPs\"}");
        assertEquals(422, lockout.status(), lockout.body().toString());
        assertEquals(Set.of("ip_addresses"), fields(lockout));
        AgentsRig.Answer bad = whitelist(KEY_A, "{\"ip_addresses\":[\"10.0.0.0/8\",\"nonsense\",\"1.2.3.4/33\"]}");
        assertEquals(422, bad.status());
        assertEquals(Set.of("ip_addresses[1]", "ip_addresses[2]"), fields(bad));
        assertEquals(Set.of("ip_addresses"), fields(whitelist(KEY_A, "{\"ip_addresses\":[]}")));
        String token = rig.session("agent-s").get("session_token").asText();
        assertEquals(403, whitelist(token, "{\"ip_addresses\":[\"127.0.0.1\"]}").status());
        assertEquals(0, rig.count("SELECT COUNT(*) FROM agent_ip_allowlist"));

        AgentsRig.Answer ok = whitelist(KEY_A, "{\"ip_addresses\":[\"203.0.113.0/24\",\" 127.0.0.1 \"],\"description\":"
                + "\"Agent server IPs\"}");
        assertEquals(201, ok.status(), ok.body().toString());
        assertEquals("127.0.0.1", ok.body().get("your_ip").asText());
        assertEquals(2, ok.body().get("added").size());
        assertEquals("127.0.0.1", ok.body().get("added").get(1).get("cidr").asText());
        assertEquals("Agent server IPs", ok.body().get("added").get(0).get("description").asText());
        String office = ok.body().get("added").get(0).get("id").asText();
        String self = ok.body().get("added").get(1).get("id").asText();
        AgentsRig.Answer again = whitelist(KEY_A, "{\"ip_addresses\":[\"127.0.0.1\"]}");
        assertEquals(0, again.body().get("added").size(), "an entry already listed is not added twice");
        JsonNode list = rig.call("GET", "/api/v1/security/whitelist", KEY_A, "agent-s", null).body();
        assertEquals(2, list.get("entries").size());
        assertTrue(list.get("enforced").asBoolean());

        AgentsRig.Answer removeSelf = rig.call("DELETE", "/api/v1/security/whitelist/" + self, KEY_A, "agent-s", null);
        assertEquals(409, removeSelf.status(), "would leave only 203.0.113.0/24");
        assertEquals("id", removeSelf.body().get("errors").get(0).get("field").asText());
        assertEquals(404, rig.call("DELETE", "/api/v1/security/whitelist/" + office, KEY_B, "agent-s", null).status());
        assertEquals(200, rig.call("DELETE", "/api/v1/security/whitelist/" + office, KEY_A, "agent-s", null).status());
        AgentsRig.Answer last = rig.call("DELETE", "/api/v1/security/whitelist/" + self, KEY_A, "agent-s", null);
        assertEquals(200, last.status(), "an empty list admits everyone again");
        assertEquals(false, last.body().get("enforced").asBoolean());
        assertEquals(0, rig.call("GET", "/api/v1/security/whitelist", KEY_A, "agent-s", null).body().get("entries").size());

        // What the safety net prevents: a list without the caller really shuts it out.
        rig.sql("INSERT INTO agent_ip_allowlist (id, workspace_id, cidr, created_at) VALUES ('ipw_x', 'ws_a', '203.0.113.0/24',"
                + " CURRENT_TIMESTAMP)");
        assertEquals(403, rig.call("GET", "/api/v1/security/whitelist", KEY_A, "agent-s", null).status());
        rig.sql("DELETE FROM agent_ip_allowlist WHERE id = 'ipw_x'");
    }

    @Test
    void rotatedKeyOverlapsThenStopsAndImmediateRevocationStopsAtOnce() throws Exception {
        // select-api-key compares revoked_at with the database's clock, so the test clock follows it here.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        rig.now.set(now);
        try {
            AgentsRig.Answer wrong = rig.call("POST", "/api/v1/security/rotate-key", KEY_B, "agent-s",
                    "{\"current_key\":\"" + KEY_A + "\",\"revoke_immediately\":false}");
            assertEquals(403, wrong.status());
            assertEquals("current_key", wrong.body().get("errors").get(0).get("field").asText());
            AgentsRig.Answer r = rig.call("POST", "/api/v1/security/rotate-key", KEY_B, "agent-s",
                    "{\"current_key\":\"" + KEY_B + "\",\"revoke_immediately\":false}");
            assertEquals(201, r.status(), r.body().toString());
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
            String newKey = r.body().get("api_key").asText();
            assertTrue(newKey.matches("key_[0-9A-Za-z]{20}\\.[A-Za-z0-9_-]{43}"), newKey);
            assertEquals(newKey.substring(0, 24), r.body().get("key_id").asText());
            assertEquals(now.plusSeconds(24 * 3600).toString(), r.body().get("old_key_expires_at").asText());
            assertEquals("t", rig.one("SELECT name FROM api_keys WHERE id = '" + r.body().get("key_id").asText() + "'"));

            assertEquals(200, whoami(KEY_B), "the old key works during the overlap");
            assertEquals(200, whoami(newKey));
            AgentsRig.Answer twice = rig.call("POST", "/api/v1/security/rotate-key", KEY_B, "agent-s",
                    "{\"current_key\":\"" + KEY_B + "\"}");
            assertEquals(409, twice.status(), "a rotated key has one successor");
            rig.sql("UPDATE api_keys SET revoked_at = revoked_at - INTERVAL '24 hours 1 second' WHERE id = 'key_ws_b'");
            assertEquals(401, whoami(KEY_B), "and stops when the overlap has passed");
            assertEquals(200, whoami(newKey));

            AgentsRig.Answer now2 = rig.call("POST", "/api/v1/security/rotate-key", newKey, "agent-s",
                    "{\"current_key\":\"" + newKey + "\",\"revoke_immediately\":true}");
            assertEquals(201, now2.status(), now2.body().toString());
            assertEquals(now.toString(), now2.body().get("old_key_expires_at").asText());
            assertEquals(401, whoami(newKey), "revoked at once");
            assertEquals(200, whoami(now2.body().get("api_key").asText()));
            assertEquals(3, rig.count("SELECT COUNT(*) FROM api_keys WHERE workspace_id = 'ws_b'"));
            String token = rig.call("POST", "/api/v1/sessions/create", now2.body().get("api_key").asText(), "agent-s",
                    "{\"session_type\":\"guest\",\"user_consent\":{\"calling_authorized\":true}}").body()
                    .get("session_token").asText();
            assertEquals(403, rig.call("POST", "/api/v1/security/rotate-key", token, null,
                    "{\"current_key\":\"" + token + "\"}").status(), "a session token cannot rotate keys");
        } finally {
            rig.now.set(Instant.parse("2026-02-05T12:00:00Z"));
        }
    }

    private static int whoami(String key) throws Exception {
        return rig.call("GET", "/api/v1/security/whitelist", key, "agent-s", null).status();
    }

    private static Set<String> fields(AgentsRig.Answer a) {
        Set<String> out = new TreeSet<>();
        a.body().get("errors").forEach(e -> out.add(e.get("field").asText()));
        return out;
    }
}
