package dev.patchbay.agents;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What initiate refuses before any INVITE: numbers an unattended agent must not dial, unrated
 * destinations, bad settings (each named), an empty wallet (402), and no way out (422 without a trunk).
 */
class InitiateValidationTest {

    private static AgentsRig rig;
    private static String session;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
        JsonNode s = rig.session("agent-v");
        session = s.get("session_id").asText();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static AgentsRig.Answer initiate(String to, String extra) throws Exception {
        return rig.call("POST", "/api/v1/calls/initiate", KEY_A, "agent-v", "{\"session_id\":\"" + session
                + "\",\"to_number\":\"" + to + "\",\"from_number\":\"+12025551000\"" + extra + "}");
    }

    private static Map<String, String> fields(AgentsRig.Answer a) {
        Map<String, String> out = new HashMap<>();
        a.body().path("errors").forEach(e -> out.put(e.get("field").asText(), e.get("detail").asText()));
        return out;
    }

    @Test
    void numbersAnAgentMustNotDialAreRefusedByName() throws Exception {
        AgentsRig.Answer emergency = initiate("+1911", "");
        assertEquals(422, emergency.status());
        assertTrue(fields(emergency).get("to_number").contains("emergency"), emergency.body().toString());
        AgentsRig.Answer premium = initiate("+19005551234", "");
        assertEquals(422, premium.status());
        assertTrue(fields(premium).get("to_number").contains("premium"), premium.body().toString());
        AgentsRig.Answer unrated = initiate("+33142685300", "");
        assertEquals(422, unrated.status());
        assertTrue(fields(unrated).get("to_number").contains("no rate"), unrated.body().toString());
        AgentsRig.Answer invalid = initiate("+1415", "");
        assertEquals(422, invalid.status());
        assertTrue(fields(invalid).get("to_number").contains("not a valid"), invalid.body().toString());
    }

    @Test
    void badSettingsAreEachNamedAndAnEmptyWalletIs402() throws Exception {
        AgentsRig.Answer bad = initiate("+14155551234", ",\"caller_id_name\":\"<script>\",\"call_settings\":"
                + "{\"max_duration\":0,\"language\":\"english please\"},\"webhook_url\":\"ftp://x\"");
        assertEquals(422, bad.status());
        assertEquals(java.util.Set.of("caller_id_name", "call_settings.max_duration", "call_settings.language",
                "webhook_url"), fields(bad).keySet());
        AgentsRig.Answer targets = initiate("+14155551234", ",\"websocket_url\":\"ws://[::1\",\"webhook_url\":"
                + "\"http://169.254.169.254/latest/meta-data\"");
        assertEquals(422, targets.status(), "a malformed bot URL is the client's mistake, not a 500: " + targets.body());
        assertEquals(java.util.Set.of("websocket_url", "webhook_url"), fields(targets).keySet());
        assertTrue(fields(targets).get("websocket_url").startsWith("is not a URL"), targets.body().toString());
        AgentsRig.Answer shape = initiate("+14155551234", ",\"call_settings\":{\"max_duration\":\"long\",\"colour\":1}");
        assertEquals(400, shape.status(), shape.body().toString());
        AgentsRig.Answer broke = initiate("+14155551234", "");
        assertEquals(402, broke.status());
        assertTrue(broke.body().get("detail").asText().contains("add credits"));
        assertEquals(0, rig.count("SELECT COUNT(*) FROM calls"), "nothing was dialled or recorded");
    }

    @Test
    void aWorkspaceWithoutATrunkIsToldToAddOne() throws Exception {
        JsonNode s = rig.session("agent-t");
        String id = s.get("session_id").asText();
        rig.grant(id, 5_000_000);
        AgentsRig.Answer a = rig.call("POST", "/api/v1/calls/initiate", KEY_A, "agent-t", "{\"session_id\":\""
                + id + "\",\"to_number\":\"+14155551234\",\"from_number\":\"+12025551000\"}");
        assertEquals(422, a.status(), a.body().toString());
        assertTrue(fields(a).get("from_number").contains("outbound trunk"), a.body().toString());
        // The call reserved before it was refused; the refusal released all of it at once.
        assertEquals(1, rig.count("SELECT COUNT(*) FROM wallet_reservations WHERE session_id = '" + id
                + "' AND state = 'settled' AND cost_micros = 0 AND call_id IS NULL"));
        assertEquals(5_000_000, rig.count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + id
                + "' AND account = 'available'"));
        assertEquals(0, rig.count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + id
                + "' AND account = 'reserved'"));
    }
}
