package dev.patchbay.schema;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.patchbay.schema.testing.TestDb;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * V16 opens double-entry accounts for wallets written under V6's single ledger: balanced, never
 * below zero (V6 let a balance go negative; the unpaid part is not carried over as spent).
 */
class WalletBackfillTest {

    @Test
    void legacyWalletsGetBalancedAccountsAndTheFloorHolds() throws SQLException {
        try (TestDb db = new TestDb()) {
            Flyway.configure().dataSource(db.url(), TestDb.USER, TestDb.PASSWORD).locations("classpath:db/migration")
                    .target("13").load().migrate();
            try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
                 Statement s = c.createStatement()) {
                s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws', 'W', TRUE, CURRENT_TIMESTAMP)");
                for (String id : new String[] {"sess_ok", "sess_over"}) {
                    s.execute("INSERT INTO agent_sessions (id, workspace_id, agent_id, session_type, token_sha256, privacy_mode,"
                            + " currency, calls_per_hour, max_call_duration, created_at, expires_at) VALUES ('" + id
                            + "', 'ws', 'a', 'guest', '" + id + "', TRUE, 'USD', 20, 3600, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                }
                ledger(s, "t1", "sess_ok", "credit", 5_000_000);
                ledger(s, "t2", "sess_ok", "debit", -1_250_000);
                ledger(s, "t3", "sess_over", "credit", 1_000_000);
                ledger(s, "t4", "sess_over", "debit", -1_500_000);
            }
            Migrations.migrate(db.settings());
            try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
                 Statement s = c.createStatement()) {
                assertEquals(3_750_000, account(s, "sess_ok", "available"));
                assertEquals(1_250_000, account(s, "sess_ok", "spent"));
                assertEquals(-5_000_000, account(s, "sess_ok", "funding"));
                assertEquals(0, account(s, "sess_over", "available"), "a V6 overdraft opens at zero");
                assertEquals(1_000_000, account(s, "sess_over", "spent"), "only what was credited was ever paid");
                for (String id : new String[] {"sess_ok", "sess_over"}) {
                    assertEquals(0, one(s, "SELECT SUM(balance_micros) FROM wallet_accounts WHERE session_id = '" + id + "'"));
                    assertEquals(0, one(s, "SELECT SUM(amount_micros) FROM wallet_entries WHERE txn_id = 'open_" + id + "'"));
                }
                SQLException floor = assertThrows(SQLException.class, () -> s.execute("UPDATE wallet_accounts SET"
                        + " balance_micros = -1 WHERE session_id = 'sess_ok' AND account = 'reserved'"));
                assertEquals("23514", floor.getSQLState());
            }
        }
    }

    private static void ledger(Statement s, String id, String session, String kind, long micros) throws SQLException {
        s.execute("INSERT INTO wallet_ledger (id, session_id, kind, amount_micros, balance_after_micros, minutes, created_at)"
                + " VALUES ('" + id + "', '" + session + "', '" + kind + "', " + micros + ", 0, 0, CURRENT_TIMESTAMP)");
    }

    private static long account(Statement s, String session, String account) throws SQLException {
        return one(s, "SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + session + "' AND account = '"
                + account + "'");
    }

    private static long one(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
