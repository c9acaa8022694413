package dev.patchbay.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import dev.patchbay.schema.testing.TestDb;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one set of migrations must run on both databases Patchbay supports, and be idempotent. */
class MigrationsTest {

    @Test
    void migratesPostgresAndEnforcesPlatformWideDidUniqueness() throws SQLException {
        try (TestDb db = new TestDb()) {
            MigrateResult first = Migrations.migrate(db.settings());
            assertTrue(first.migrationsExecuted >= 1);
            assertEquals(0, Migrations.migrate(db.settings()).migrationsExecuted, "a second run changes nothing");
            exerciseSchema(db.url(), TestDb.USER, TestDb.PASSWORD);
        }
    }

    @Test
    void migratesEmbeddedH2() throws Exception {
        Path dir = Files.createTempDirectory("patchbay-h2");
        String url = "jdbc:h2:file:" + dir.resolve("patchbay") + ";DATABASE_TO_LOWER=TRUE";
        Migrations.migrate(new DbSettings(url, "sa", ""));
        exerciseSchema(url, "sa", "");
    }

    private static void exerciseSchema(String url, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_a', 'A', TRUE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_b', 'B', TRUE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_a', 'ws_a', 'Echo', 'echo', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_b', 'ws_b', 'Echo', 'echo', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_a', 'ws_a', '+15550100', 'bot_a', CURRENT_TIMESTAMP)");
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) "
                    + "VALUES ('did_b', 'ws_b', '+15550100', 'bot_b', CURRENT_TIMESTAMP)"), "one number, one bot, platform-wide");
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO bots (id, workspace_id, name, kind, created_at) "
                    + "VALUES ('bot_x', 'ws_a', 'X', 'carrier-pigeon', CURRENT_TIMESTAMP)"), "unknown bot kinds are refused");
        }
    }
}
