package dev.patchbay.agents;

import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static dev.patchbay.agents.AgentsRig.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seed 003 §1-2 over real HTTP and PostgreSQL: auth and scope, sessions, and the wallet ledger. */
@ExtendWith(AgentsRigFixture.class)
class SessionsWalletApiTest {

    @Test
    void wrongCredentialsAre401AndWrongScopeIs403(AgentsRig rig) throws Exception {
        JsonNode s = rig.session("agent-1");
        String path = "/api/v1/sessions/" + s.get("session_id").asText();
        assertEquals(401, rig.call("GET", path, null, "agent-1", null).status());
        assertEquals(401, rig.call("GET", path, "key_ws_a.wrong", "agent-1", null).status());
        AgentsRig.Answer noAgent = rig.call("GET", path, KEY_A, null, null);
        assertEquals(401, noAgent.status());
        assertEquals("X-Agent-ID", noAgent.body().get("errors").get(0).get("field").asText());
        assertEquals(401, rig.call("GET", path, "tk_not-a-token", null, null).status());
        // Another agent of the same workspace: the wrong scope.
        assertEquals(403, rig.call("GET", path, KEY_A, "agent-2", null).status());
        // Another workspace: the session does not exist for it.
        assertEquals(404, rig.call("GET", path, KEY_B, "agent-1", null).status());
        // The session token reaches its own session, not another one, and cannot grant credits.
        String token = s.get("session_token").asText();
        assertEquals(200, rig.call("GET", path, token, null, null).status());
        JsonNode other = rig.session("agent-1");
        assertEquals(403, rig.call("GET", "/api/v1/sessions/" + other.get("session_id").asText(), token, null, null).status());
        AgentsRig.Answer grant = rig.call("POST", "/api/v1/wallet/add-credits", token, null, credit(s, "k-scope", 5.0));
        assertEquals(403, grant.status());
        assertEquals("application/problem+json", grant.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void sessionShowsTheSeedShapeAndDeleteClearsHistory(AgentsRig rig) throws Exception {
        AgentsRig.Answer bad = rig.call("POST", "/api/v1/sessions/create", KEY_A, "agent-1",
                "{\"session_type\":\"vip\",\"user_consent\":{\"calling_authorized\":false,\"currency\":\"EUR\"}}");
        assertEquals(422, bad.status());
        Set<String> fields = new HashSet<>();
        bad.body().get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertEquals(Set.of("session_type", "user_consent.calling_authorized", "user_consent.currency"), fields);
        assertEquals(0, rig.count("SELECT COUNT(*) FROM agent_sessions WHERE session_type = 'vip'"));

        JsonNode s = rig.session("agent-del");
        assertTrue(s.get("session_token").asText().startsWith("tk_"));
        assertEquals(0, s.get("wallet_balance").get("minutes").asInt());
        assertTrue(s.get("privacy_mode").asBoolean(), "a guest session is private by default");
        assertEquals(20, s.get("rate_limits").get("calls_per_hour").asInt());
        String id = s.get("session_id").asText();
        rig.sql("INSERT INTO agent_contacts (id, session_id, name, phone_number, labels, created_at, updated_at)"
                + " VALUES ('cnt_1', '" + id + "', 'John', '+14155551234', ',customer,', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        rig.grant(id, 3_000_000);
        AgentsRig.Answer deleted = rig.call("DELETE", "/api/v1/sessions/" + id, KEY_A, "agent-del", null);
        assertEquals(200, deleted.status());
        assertEquals(24, deleted.body().get("final_balance").get("minutes").asInt());
        assertFalse(deleted.body().get("final_balance").get("refund_available").asBoolean());
        assertEquals(0, rig.count("SELECT COUNT(*) FROM agent_contacts WHERE session_id = '" + id + "'"));
        assertEquals(1, rig.count("SELECT COUNT(*) FROM wallet_ledger WHERE session_id = '" + id + "'"), "the ledger stays");
        assertFalse(rig.call("GET", "/api/v1/sessions/" + id, KEY_A, "agent-del", null).body().get("active").asBoolean());
        assertEquals(409, rig.call("DELETE", "/api/v1/sessions/" + id, KEY_A, "agent-del", null).status());
        assertEquals(401, rig.call("GET", "/api/v1/sessions/" + id, s.get("session_token").asText(), null, null).status(),
                "an ended session's token no longer authenticates");
    }

    @Test
    void anAgentsKeyCannotCreditItsWalletAndIsToldWhereCreditComesFrom(AgentsRig rig) throws Exception {
        JsonNode s = rig.session("agent-credit");
        String id = s.get("session_id").asText();
        AgentsRig.Answer manual = rig.call("POST", "/api/v1/wallet/add-credits", KEY_A, "agent-credit", credit(s, "k1", 15.0));
        assertEquals(403, manual.status(), manual.body().toString());
        assertEquals("application/problem+json", manual.headers().firstValue("Content-Type").orElse(""));
        assertEquals("payment_method", manual.body().get("errors").get(0).get("field").asText());
        assertTrue(manual.body().get("detail").asText().contains("POST /v1/workspaces/ws_a/agent-sessions/" + id
                + "/credits"), manual.body().toString());
        AgentsRig.Answer stripe = rig.call("POST", "/api/v1/wallet/add-credits", KEY_A, "agent-credit",
                credit(s, "k2", 15.0).replace("manual", "stripe"));
        assertEquals(501, stripe.status());
        assertEquals("payment_method", stripe.body().get("errors").get(0).get("field").asText());
        assertEquals(0, rig.count("SELECT COUNT(*) FROM wallet_ledger WHERE session_id = '" + id + "'"), "nothing credited");

        rig.grant(id, 15_000_000);
        AgentsRig.Answer balance = rig.call("GET", "/api/v1/wallet/balance?session_id=" + id, KEY_A, "agent-credit", null);
        assertEquals(120, balance.body().get("balance").get("minutes").asInt(), "15.00 USD at 0.125 per minute");
        assertEquals(0, balance.body().get("reserved").get("value").asInt());
        assertEquals("credit", balance.body().get("last_transaction").get("type").asText());
        assertEquals(120, balance.body().get("last_transaction").get("amount").asInt());
    }

    static String credit(JsonNode session, String key, double amount) {
        return "{\"session_id\":\"" + session.get("session_id").asText() + "\",\"payment_method\":\"manual\",\"plan\":"
                + "\"starter\",\"currency\":\"USD\",\"amount\":" + amount + ",\"idempotency_key\":\"" + key + "\"}";
    }
}
