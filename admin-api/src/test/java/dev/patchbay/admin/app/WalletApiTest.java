package dev.patchbay.admin.app;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.TestApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The wallets' read routes on the real PostgreSQL: sessions with their balances, one wallet with its
 * held reservations and ledger, scoped as the call log is (the operator sees every workspace, a
 * workspace admin its own). Sessions and reservations are the control-plane's, so they are written
 * here as it writes them; credit goes in through the admin API's grant route.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WalletApiTest {

    private TestApi api;
    private String wsA;
    private String wsB;
    private ApiClient asA;
    private String keyIdA;

    @BeforeAll
    void start() {
        api = TestApi.start();
        wsA = api.client().post("/v1/workspaces", "{\"name\":\"A\"}").json().path("id").asText();
        wsB = api.client().post("/v1/workspaces", "{\"name\":\"B\"}").json().path("id").asText();
        JsonNode key = api.client().post("/v1/workspaces/" + wsA + "/admin-keys", "{\"name\":\"ops\"}").json();
        asA = api.client().withKey(key.path("key").asText());
        keyIdA = key.path("id").asText();
        session(wsA, "sess_a1", "2026-01-01T00:00:00Z");
        session(wsA, "sess_a2", "2026-01-02T00:00:00Z");
        session(wsB, "sess_b1", "2026-01-03T00:00:00Z");
    }

    @AfterAll
    void stop() {
        api.close();
    }

    private void session(String ws, String id, String at) {
        api.db().execute("INSERT INTO agent_sessions (id, workspace_id, agent_id, session_type, token_sha256, privacy_mode,"
                + " currency, calls_per_hour, max_call_duration, created_at, expires_at) VALUES ('" + id + "', '" + ws
                + "', 'agent-" + id + "', 'guest', 'hash-" + id + "', TRUE, 'USD', 20, 3600, TIMESTAMP WITH TIME ZONE '" + at
                + "', TIMESTAMP WITH TIME ZONE '2030-01-01T00:00:00Z')");
    }

    @Test
    void theOperatorListsEveryWorkspacesSessionsAndAWorkspaceAdminOnlyItsOwn() {
        assertEquals(List.of("sess_a1", "sess_a2", "sess_b1"), ids(api.client().get("/v1/agent-sessions")));
        assertEquals(List.of("sess_b1"), ids(api.client().get("/v1/agent-sessions?workspace_id=" + wsB)));
        assertEquals(List.of("sess_a1", "sess_a2"), ids(asA.get("/v1/agent-sessions")));
        Reply other = asA.get("/v1/agent-sessions?workspace_id=" + wsB);
        assertEquals(404, other.status(), other.toString());
        assertEquals(List.of("workspace_id"), other.errorFields());
        assertEquals(404, api.client().get("/v1/agent-sessions?workspace_id=ws_missing").status());
    }

    @Test
    void theListPagesWithTheCursor() {
        Reply first = api.client().get("/v1/agent-sessions?limit=2");
        assertEquals(List.of("sess_a1", "sess_a2"), ids(first));
        String cursor = first.json().path("next_cursor").asText();
        assertEquals(List.of("sess_b1"), ids(api.client().get("/v1/agent-sessions?limit=2&cursor=" + cursor)));
        Reply bad = api.client().get("/v1/agent-sessions?limit=0");
        assertEquals(400, bad.status());
        assertEquals(List.of("limit"), bad.errorFields());
    }

    @Test
    void aWalletShowsBalancesHeldReservationsAndTheLedgerNewestFirst() {
        Reply grant = asA.post("/v1/workspaces/" + wsA + "/agent-sessions/sess_a2/credits",
                "{\"amount\":\"15.50\",\"idempotency_key\":\"w1\",\"note\":\"trial\"}");
        assertEquals(201, grant.status(), grant.toString());
        // A reservation as the control-plane makes one: 4.5 from available to reserved, with its ledger row.
        api.db().execute("INSERT INTO wallet_ledger (id, session_id, kind, amount_micros, balance_after_micros, minutes,"
                + " created_at) VALUES ('txn_res1', 'sess_a2', 'reserve', -4500000, 11000000, 0, CURRENT_TIMESTAMP + INTERVAL '1' SECOND)");
        api.db().execute("UPDATE wallet_accounts SET balance_micros = balance_micros - 4500000 WHERE session_id = 'sess_a2'"
                + " AND account = 'available'");
        api.db().execute("UPDATE wallet_accounts SET balance_micros = balance_micros + 4500000 WHERE session_id = 'sess_a2'"
                + " AND account = 'reserved'");
        api.db().execute("INSERT INTO wallet_reservations (id, session_id, workspace_id, amount_micros, rate_micros, max_seconds,"
                + " state, created_at) VALUES ('res_1', 'sess_a2', '" + wsA + "', 4500000, 1500000, 180, 'held', CURRENT_TIMESTAMP)");

        Reply r = asA.get("/v1/workspaces/" + wsA + "/agent-sessions/sess_a2/wallet");
        assertEquals(200, r.status(), r.toString());
        JsonNode w = r.json();
        assertEquals("11", w.path("balance").path("available").asText());
        assertEquals("4.5", w.path("balance").path("reserved").asText());
        assertEquals("15.5", w.path("balance").path("credited").asText());
        assertEquals("0", w.path("balance").path("spent").asText());
        assertEquals("res_1", w.path("reservations").path(0).path("reservation_id").asText());
        assertEquals("1.5", w.path("reservations").path(0).path("rate_per_minute").asText());
        assertEquals(List.of("reserve", "credit"), w.path("ledger").findValuesAsText("type"));
        assertEquals(keyIdA, w.path("ledger").path(1).path("granted_by").asText());
        assertEquals("15.5", w.path("ledger").path(1).path("balance_after").asText());
        assertEquals(false, w.path("ledger_truncated").asBoolean());
        // The list shows the same balances.
        JsonNode listed = api.client().get("/v1/agent-sessions?workspace_id=" + wsA).json().path("items").path(1);
        assertEquals(w.path("balance"), listed.path("balance"));
    }

    @Test
    void aWalletWithNoAccountsYetIsAllZeroAndAnotherWorkspacesSessionIsNotFound() {
        JsonNode w = asA.get("/v1/workspaces/" + wsA + "/agent-sessions/sess_a1/wallet").json();
        assertEquals("0", w.path("balance").path("available").asText());
        assertEquals(0, w.path("ledger").size());
        Reply mixed = asA.get("/v1/workspaces/" + wsA + "/agent-sessions/sess_b1/wallet");
        assertEquals(404, mixed.status(), mixed.toString());
        assertEquals(List.of("session_id"), mixed.errorFields());
        assertEquals(404, asA.get("/v1/workspaces/" + wsB + "/agent-sessions/sess_b1/wallet").status());
    }

    private static List<String> ids(Reply r) {
        assertEquals(200, r.status(), r.toString());
        return r.json().path("items").findValuesAsText("session_id");
    }
}
