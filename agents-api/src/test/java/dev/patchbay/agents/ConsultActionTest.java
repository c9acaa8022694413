package dev.patchbay.agents;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attended-transfer actions of {@code POST /api/v1/calls/{id}/actions} ({@code consult},
 * {@code complete_consult}, {@code cancel_consult}) over real HTTP and PostgreSQL: a consult leg is a call the
 * agent pays for, so it is checked and held like one before any INVITE, and what it held goes back when it
 * cannot be placed. This rig has no media node (every placement ends at its 503); the legs themselves run in
 * the e2e module's AgentConsultE2eTest.
 */
@ExtendWith(AgentsRigFixture.class)
class ConsultActionTest {

    private static final String AGENT = "agent-consult";

    private static String fundedSession(AgentsRig rig) throws Exception {
        AgentsRig.Answer a = rig.call("POST", "/api/v1/sessions/create", KEY_A, AGENT, "{\"session_type\":\"authenticated\","
                + "\"user_consent\":{\"calling_authorized\":true}}");
        assertEquals(201, a.status(), a.body().toString());
        String sid = a.body().get("session_id").asText();
        rig.grant(sid, 5_000_000);
        return sid;
    }

    private static AgentsRig.Answer act(AgentsRig rig, String callId, String body) throws Exception {
        return rig.call("POST", "/api/v1/calls/" + callId + "/actions", KEY_A, AGENT, body);
    }

    private static Map<String, String> fields(AgentsRig.Answer a) {
        Map<String, String> out = new HashMap<>();
        JsonNode errors = a.body().get("errors");
        for (int i = 0; errors != null && i < errors.size(); i++) {
            out.put(errors.get(i).get("field").asText(), errors.get(i).get("detail").asText());
        }
        return out;
    }

    private static long available(AgentsRig rig, String sid) throws Exception {
        return rig.count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + sid + "' AND account = 'available'");
    }

    @Test
    void aConsultTargetIsCheckedAsAnAgentCallsNumberIs(AgentsRig rig) throws Exception {
        String sid = fundedSession(rig);
        String id = new CallRows(rig).add(sid, "+14155551234", "in-progress", rig.now.get(), rig.now.get(), null,
                "US", "mobile", null, null);
        AgentsRig.Answer missing = act(rig, id, "{\"action\":\"consult\"}");
        assertEquals(422, missing.status(), missing.body().toString());
        assertTrue(fields(missing).containsKey("parameters.transfer_to"), missing.body().toString());
        AgentsRig.Answer emergency = act(rig, id, "{\"action\":\"consult\",\"parameters\":{\"transfer_to\":\"+1911\"}}");
        assertEquals(422, emergency.status(), emergency.body().toString());
        assertTrue(fields(emergency).get("parameters.transfer_to").contains("emergency"), emergency.body().toString());
        AgentsRig.Answer sip = act(rig, id, "{\"action\":\"consult\",\"parameters\":{\"transfer_to\":\"sip:a@pbx.example\"}}");
        assertEquals(422, sip.status(), "a sip: URI has no rate to bill the leg at: " + sip.body());
        AgentsRig.Answer method = act(rig, id, "{\"action\":\"complete_consult\",\"parameters\":{\"method\":\"blind\"}}");
        assertEquals(422, method.status(), method.body().toString());
        assertTrue(fields(method).containsKey("parameters.method"), method.body().toString());
        AgentsRig.Answer unknown = act(rig, id, "{\"action\":\"warm_transfer\"}");
        assertEquals(422, unknown.status(), unknown.body().toString());
        assertTrue(fields(unknown).get("action").contains("consult, complete_consult, cancel_consult"), unknown.body().toString());
        assertEquals(0, rig.count("SELECT COUNT(*) FROM wallet_reservations WHERE session_id = '" + sid + "'"),
                "nothing is held for a request refused on its fields");
    }

    @Test
    void aConsultIsHeldLikeACallAndReleasedWhenItCannotBePlaced(AgentsRig rig) throws Exception {
        String sid = fundedSession(rig);
        CallRows rows = new CallRows(rig);
        String live = rows.add(sid, "+14155551234", "in-progress", rig.now.get(), rig.now.get(), null, "US", "mobile", null, null);
        AgentsRig.Answer away = act(rig, live, "{\"action\":\"consult\",\"parameters\":{\"transfer_to\":\"+14155559999\"}}");
        assertEquals(503, away.status(), away.body().toString());
        assertTrue(away.headers().firstValue("Retry-After").isPresent(), "the call's node is away: retry");
        // Held at the target's rate before the placement was tried, then given back whole.
        assertEquals(1, rig.count("SELECT COUNT(*) FROM wallet_reservations WHERE session_id = '" + sid + "' AND state = 'settled'"
                + " AND cost_micros = 0 AND call_id IS NULL AND rate_micros > 0"));
        assertEquals(5_000_000, available(rig, sid));
        assertEquals(1, rig.count("SELECT COUNT(*) FROM agent_calls WHERE session_id = '" + sid + "'"),
                "no leg was recorded");
        for (String clip : new String[] {"no-such-clip.wav", "../secret-key"}) {
            AgentsRig.Answer hold = act(rig, live, "{\"action\":\"consult\",\"parameters\":{\"transfer_to\":\"+14155559999\","
                    + "\"hold\":\"" + clip + "\"}}");
            assertEquals(422, hold.status(), hold.body().toString());
            assertTrue(fields(hold).get("parameters.hold").contains("clip folder"), hold.body().toString());
        }
        assertEquals(5_000_000, available(rig, sid));

        String ended = rows.add(sid, "+14155551234", "completed", rig.now.get(), rig.now.get(), rig.now.get(), "US", "mobile",
                null, null);
        AgentsRig.Answer over = act(rig, ended, "{\"action\":\"consult\",\"parameters\":{\"transfer_to\":\"+14155559999\"}}");
        assertEquals(409, over.status(), over.body().toString());
        AgentsRig.Answer cancel = act(rig, ended, "{\"action\":\"cancel_consult\"}");
        assertEquals(409, cancel.status(), cancel.body().toString());
        assertEquals(5_000_000, available(rig, sid));
        assertEquals(0, rig.count("SELECT COUNT(*) FROM wallet_reservations WHERE session_id = '" + sid + "' AND state = 'held'"));
    }
}
