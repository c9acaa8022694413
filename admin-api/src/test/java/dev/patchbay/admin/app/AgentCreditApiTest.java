package dev.patchbay.admin.app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.PostgresSchema;
import dev.patchbay.admin.testing.TestApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18: credit enters an agent's wallet only through the admin API, from the operator or the
 * workspace's admin, audited, idempotent, as balanced double-entry rows. Real HTTP, real PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentCreditApiTest {

    private TestApi api;
    private String ws;
    private String session;

    @BeforeAll
    void start() {
        api = TestApi.start();
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @BeforeEach
    void freshSession() throws SQLException {
        ws = api.client().post("/v1/workspaces", "{\"name\":\"Agents\"}").json().path("id").asText();
        session = "sess_" + ws.substring(3);
        sql("INSERT INTO agent_sessions (id, workspace_id, agent_id, session_type, token_sha256, privacy_mode, currency,"
                + " calls_per_hour, max_call_duration, created_at, expires_at) VALUES ('" + session + "', '" + ws
                + "', 'agent-1', 'guest', '" + session + "', TRUE, 'USD', 20, 3600, CURRENT_TIMESTAMP,"
                + " CURRENT_TIMESTAMP + INTERVAL '1 hour')");
    }

    private String path() {
        return "/v1/workspaces/" + ws + "/agent-sessions/" + session + "/credits";
    }

    @Test
    void theOperatorGrantsExactlyOnceAsBalancedRowsAndTheGrantIsAudited() {
        Reply r = api.client().post(path(), "{\"amount\":\"19.17\",\"currency\":\"USD\",\"idempotency_key\":\"g-1\","
                + "\"note\":\"welcome credit\"}");
        assertEquals(201, r.status(), r.toString());
        assertEquals(19.17, r.json().path("amount").asDouble());
        assertEquals(19.17, r.json().path("balance_after").path("value").asDouble());
        assertEquals("operator", r.json().path("granted_by").asText());
        String txn = r.json().path("transaction_id").asText();
        assertEquals(19_170_000, api.db().count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + session
                + "' AND account = 'available'"));
        assertEquals(-19_170_000, api.db().count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + session
                + "' AND account = 'funding'"));
        assertEquals(0, api.db().count("SELECT SUM(amount_micros) FROM wallet_entries WHERE txn_id = '" + txn + "'"));
        assertEquals(2, api.db().count("SELECT COUNT(*) FROM wallet_entries WHERE txn_id = '" + txn + "'"));
        assertEquals("operator", api.db().text("SELECT actor FROM audit_log WHERE resource_id = '" + txn + "'"));
        assertEquals("wallet_credit", api.db().text("SELECT resource_type FROM audit_log WHERE resource_id = '" + txn + "'"));

        Reply again = api.client().post(path(), "{\"amount\":\"19.17\",\"currency\":\"USD\",\"idempotency_key\":\"g-1\","
                + "\"note\":\"welcome credit\"}");
        assertEquals(200, again.status(), again.toString());
        assertEquals("true", again.header("Idempotent-Replayed").orElse(""));
        assertEquals(txn, again.json().path("transaction_id").asText());
        Reply other = api.client().post(path(), "{\"amount\":5,\"idempotency_key\":\"g-1\"}");
        assertEquals(422, other.status(), other.toString());
        assertEquals(List.of("idempotency_key"), other.errorFields());
        assertEquals(19_170_000, api.db().count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + session
                + "' AND account = 'available'"), "replays credit nothing");
    }

    @Test
    void badFieldsAreNamedAndNothingIsWritten() {
        Reply r = api.client().post(path(), "{\"amount\":-1,\"currency\":\"usd\",\"note\":\"" + "x".repeat(201) + "\"}");
        assertEquals(422, r.status(), r.toString());
        assertEquals("application/problem+json", r.contentType().orElse(""));
        assertEquals(Set.of("amount", "currency", "idempotency_key", "note"), new HashSet<>(r.errorFields()));
        assertEquals(List.of("amount"), api.client().post(path(), "{\"amount\":0.0000001,\"idempotency_key\":\"k\"}")
                .errorFields(), "a seventh decimal place is not a micro-unit");
        assertEquals(List.of("currency"), api.client().post(path(), "{\"amount\":1,\"currency\":\"INR\",\"idempotency_key\":\"k\"}")
                .errorFields(), "the session's wallet is in USD");
        Reply unknown = api.client().post("/v1/workspaces/" + ws + "/agent-sessions/sess_nope/credits",
                "{\"amount\":1,\"idempotency_key\":\"k\"}");
        assertEquals(404, unknown.status());
        assertEquals(List.of("session_id"), unknown.errorFields());
        assertEquals(0, api.db().count("SELECT COUNT(*) FROM wallet_ledger WHERE session_id = '" + session + "'"));
    }

    @Test
    void aWorkspaceAdminGrantsItsOwnSessionsOnlyAndProviderKeysGrantNothing() {
        String admin = api.client().post("/v1/workspaces/" + ws + "/admin-keys", "{\"name\":\"ops\"}").json().path("key")
                .asText();
        Reply mine = api.client().withKey(admin).post(path(), "{\"amount\":2.5,\"idempotency_key\":\"a-1\"}");
        assertEquals(201, mine.status(), mine.toString());
        assertEquals(admin.substring(0, admin.indexOf('.')), mine.json().path("granted_by").asText());

        String otherWs = api.client().post("/v1/workspaces", "{\"name\":\"Other\"}").json().path("id").asText();
        String otherAdmin = api.client().post("/v1/workspaces/" + otherWs + "/admin-keys", "{\"name\":\"ops\"}").json()
                .path("key").asText();
        assertEquals(404, api.client().withKey(otherAdmin).post(path(), "{\"amount\":1,\"idempotency_key\":\"x\"}").status(),
                "another workspace's admin does not see this workspace");
        assertEquals(404, api.client().post("/v1/workspaces/" + otherWs + "/agent-sessions/" + session + "/credits",
                "{\"amount\":1,\"idempotency_key\":\"x\"}").status(), "the session is looked up in the path's workspace only");
        String provider = api.client().post("/v1/workspaces/" + ws + "/api-keys", "{\"name\":\"agent\"}").json().path("key")
                .asText();
        assertEquals(401, api.client().withKey(provider).post(path(), "{\"amount\":1,\"idempotency_key\":\"p\"}").status(),
                "an agent's provider key is no admin key");
        assertEquals(2_500_000, api.db().count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + session
                + "' AND account = 'available'"));
    }

    @Test
    void racingGrantsWithOneKeyCreditOnce() throws Exception {
        int n = 12;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            replies.add(pool.submit((Callable<Reply>) () -> {
                go.await();
                return api.client().post(path(), "{\"amount\":10,\"idempotency_key\":\"race\"}");
            }));
        }
        go.countDown();
        int created = 0;
        Set<String> txns = new HashSet<>();
        for (Future<Reply> f : replies) {
            Reply r = f.get();
            assertTrue(r.status() == 201 || r.status() == 200, r.toString());
            created += r.status() == 201 ? 1 : 0;
            txns.add(r.json().path("transaction_id").asText());
        }
        pool.shutdown();
        assertEquals(1, created);
        assertEquals(1, txns.size());
        assertEquals(10_000_000, api.db().count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + session
                + "' AND account = 'available'"));
    }

    @Test
    void theDatabaseRefusesABalanceBelowZero() {
        assertEquals(201, api.client().post(path(), "{\"amount\":1,\"idempotency_key\":\"floor\"}").status());
        SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> sql(
                "UPDATE wallet_accounts SET balance_micros = balance_micros - 1000001 WHERE session_id = '" + session
                        + "' AND account = 'available'"));
        assertEquals("23514", refused.getSQLState(), "a CHECK violation: " + refused.getMessage());
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(api.db().url(), PostgresSchema.USER, "");
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
