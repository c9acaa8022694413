package dev.patchbay.agents;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.agents.wallet.Ledger;
import dev.patchbay.agents.wallet.Tariff;
import dev.patchbay.control.testing.SteerableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18: {@code user_consent.max_spend_limit} is enforced when a call reserves: what the session
 * has spent plus what its live calls hold plus the new call's worst case never exceeds it, however
 * much the wallet holds. Real HTTP and PostgreSQL.
 */
class MaxSpendLimitTest {

    private static final Tariff US_MOBILE = new Tariff(125_000, 60);
    private static AgentsRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static String limited(String agent, String limit) throws Exception {
        AgentsRig.Answer a = rig.call("POST", "/api/v1/sessions/create", KEY_A, agent, "{\"session_type\":\"authenticated\","
                + "\"user_consent\":{\"calling_authorized\":true,\"max_spend_limit\":" + limit + "}}");
        assertEquals(201, a.status(), a.body().toString());
        String sid = a.body().get("session_id").asText();
        rig.grant(sid, 5_000_000);
        return sid;
    }

    @Test
    void aCallWhoseWorstCaseBreaksTheLimitIs402NamingItAndAnOpenEndedCallIsShortened() throws Exception {
        String sid = limited("agent-limit", "0.30");
        AgentsRig.Answer over = rig.call("POST", "/api/v1/calls/initiate", KEY_A, "agent-limit", "{\"session_id\":\"" + sid
                + "\",\"to_number\":\"+14155551234\",\"from_number\":\"+12025551000\",\"call_settings\":{\"max_duration\":180}}");
        assertEquals(402, over.status(), over.body().toString());
        assertEquals("user_consent.max_spend_limit", over.body().get("errors").get(0).get("field").asText());
        assertTrue(over.body().get("detail").asText().contains("max_spend_limit leaves 0.3 USD"), over.body().toString());
        assertEquals(0, rig.count("SELECT COUNT(*) FROM wallet_reservations WHERE session_id = '" + sid + "'"));

        // No max_duration: the call is cut to the whole minutes the limit allows (2, 0.25), not refused.
        // This rig has no trunk, so it is then refused 422 and its reservation released.
        AgentsRig.Answer open = rig.call("POST", "/api/v1/calls/initiate", KEY_A, "agent-limit", "{\"session_id\":\"" + sid
                + "\",\"to_number\":\"+14155551234\",\"from_number\":\"+12025551000\"}");
        assertEquals(422, open.status(), open.body().toString());
        assertEquals(120, rig.count("SELECT max_seconds FROM wallet_reservations WHERE session_id = '" + sid + "'"));
        assertEquals(250_000, rig.count("SELECT amount_micros FROM wallet_reservations WHERE session_id = '" + sid + "'"));
        assertEquals(5_000_000, rig.count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + sid
                + "' AND account = 'available'"));
    }

    @Test
    void spentAndHeldMoneyBothCountAgainstTheLimit() throws Exception {
        String sid = limited("agent-limit2", "0.30");
        JsonNode session = rig.call("GET", "/api/v1/sessions/" + sid, KEY_A, "agent-limit2", null).body();
        assertEquals(40, session.get("wallet_balance").get("minutes").asInt(), "the wallet holds far more than the limit");
        Ledger ledger = new Ledger(rig.client, new SteerableClock(rig.now));
        Ledger.Hold first = ledger.reserve(sid, "ws_a", 300_000L, US_MOBILE, 120, true);
        Ledger.Reservation held = assertInstanceOf(Ledger.Hold.Reserved.class, first).reservation();
        Ledger.Hold.Short refused = assertInstanceOf(Ledger.Hold.Short.class,
                ledger.reserve(sid, "ws_a", 300_000L, US_MOBILE, 60, true), "0.25 held + 0.125 > 0.30");
        assertTrue(refused.byLimit());
        assertEquals(50_000, refused.headroomMicros());

        ledger.settle(held.id(), 125_000, 1);   // the call took one minute: 0.125 spent, 0.125 back
        assertInstanceOf(Ledger.Hold.Reserved.class, ledger.reserve(sid, "ws_a", 300_000L, US_MOBILE, 60, true),
                "0.125 spent + 0.125 = 0.25 <= 0.30");
        assertInstanceOf(Ledger.Hold.Short.class, ledger.reserve(sid, "ws_a", 300_000L, US_MOBILE, 60, true),
                "0.125 spent + 0.125 held + 0.125 > 0.30");
        assertEquals(5_000_000 - 125_000 - 125_000, rig.count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '"
                + sid + "' AND account = 'available'"));
    }
}
