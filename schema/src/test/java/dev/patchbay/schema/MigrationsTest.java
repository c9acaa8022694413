package dev.patchbay.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
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
            s.execute("INSERT INTO outbox (id, workspace_id, call_id, kind, url, body, signing_key_id, next_attempt_at, created_at) "
                    + "VALUES ('obx_1', 'ws_a', NULL, 'hangup_callback', 'https://example.com/cb', '{\"a\":1}', 'default', "
                    + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            try (ResultSet r = s.executeQuery("SELECT state, attempts FROM outbox WHERE state = 'pending' "
                    + "AND next_attempt_at <= CURRENT_TIMESTAMP ORDER BY next_attempt_at LIMIT 10 FOR UPDATE SKIP LOCKED")) {
                assertTrue(r.next(), "the due-rows poll finds the new row");
                assertEquals("pending", r.getString(1));
                assertEquals(0, r.getInt(2));
            }
            assertThrows(SQLException.class, () -> s.execute("UPDATE outbox SET state = 'lost' WHERE id = 'obx_1'"),
                    "unknown outbox states are refused");
            s.execute("INSERT INTO call_transfers (id, workspace_id, external_conversation_id, type, return_uri, "
                    + "return_transfer_type, status, created_at, expires_at) VALUES ('t1', 'ws_a', 'conv', 'SIP', "
                    + "'sip:u@h;User-to-User=1', 'REFER', 'ACTIVE', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            assertThrows(SQLException.class, () -> s.execute("UPDATE call_transfers SET status = 'LOST' WHERE id = 't1'"),
                    "unknown call transfer states are refused");
            // V8: old-style rows are outbound trunks; an inbound trunk needs no far end, an outbound one does.
            s.execute("INSERT INTO trunks (id, workspace_id, name, host, port, transport, created_at) "
                    + "VALUES ('tr_out', 'ws_a', 'Carrier', 'sip.example', 5060, 'udp', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO trunks (id, workspace_id, name, direction, allowed_cidrs, transports, tls_required, created_at) "
                    + "VALUES ('tr_in', 'ws_a', 'PBX', 'inbound', '203.0.113.0/24', 'udp,tls', TRUE, CURRENT_TIMESTAMP)");
            try (ResultSet r = s.executeQuery("SELECT direction, tls_required, caller_id_override FROM trunks WHERE id = 'tr_out'")) {
                assertTrue(r.next());
                assertEquals("outbound", r.getString(1));
                assertEquals(false, r.getBoolean(2));
                assertEquals(true, r.getBoolean(3), "calls may name their own caller ID unless a trunk pins it");
            }
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO trunks (id, workspace_id, name, direction, created_at) "
                    + "VALUES ('tr_bad', 'ws_a', 'X', 'outbound', CURRENT_TIMESTAMP)"), "an outbound trunk needs host, port, transport");
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO trunks (id, workspace_id, name, direction, created_at) "
                    + "VALUES ('tr_bad', 'ws_a', 'X', 'sideways', CURRENT_TIMESTAMP)"), "unknown directions are refused");
            // V5: one Ameyo and one RingCX row per workspace, removed with it; header-rich custom parameters fit.
            s.execute("INSERT INTO ameyo_integrations (workspace_id, allowed_sources, notification_url, updated_at) "
                    + "VALUES ('ws_b', '203.0.113.0/28', 'https://ameyo.example/n', CURRENT_TIMESTAMP)");
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO ameyo_integrations (workspace_id, allowed_sources, "
                    + "notification_url, updated_at) VALUES ('ws_b', '10.0.0.0/8', 'https://x.example/', CURRENT_TIMESTAMP)"));
            s.execute("INSERT INTO ringcx_integrations (workspace_id, updated_at) VALUES ('ws_b', CURRENT_TIMESTAMP)");
            try (ResultSet r = s.executeQuery("SELECT a.notification_id, a.bye_timeout_ms, r.info_max_bytes FROM ameyo_integrations a "
                    + "JOIN ringcx_integrations r ON r.workspace_id = a.workspace_id")) {
                assertTrue(r.next());
                assertEquals("95", r.getString(1));
                assertEquals(60000, r.getInt(2));
                assertEquals(8192, r.getInt(3));
            }
            s.execute("INSERT INTO calls (id, workspace_id, direction, status, media_node, custom_parameters, ameyo_did, "
                    + "ameyo_did_raw, ameyo_crt, created_at) VALUES ('CA1', 'ws_b', 'inbound', 'ringing', 'n1', '"
                    + "x".repeat(60000) + "', '+919990152080', '00919990152080', 'd444-69139d35-vce-daf-3883', CURRENT_TIMESTAMP)");
            // V7: admin keys share api_keys by scope; the audit log outlives the workspace it records.
            s.execute("INSERT INTO api_keys (id, workspace_id, name, secret_sha256, created_at) "
                    + "VALUES ('key_1', 'ws_b', 'p', 'h', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO api_keys (id, workspace_id, scope, name, secret_sha256, created_at) "
                    + "VALUES ('akey_1', 'ws_b', 'admin', 'a', 'h', CURRENT_TIMESTAMP)");
            try (ResultSet r = s.executeQuery("SELECT scope FROM api_keys WHERE id = 'key_1'")) {
                assertTrue(r.next());
                assertEquals("provider", r.getString(1), "existing and new provider keys default to 'provider'");
            }
            assertThrows(SQLException.class, () -> s.execute("UPDATE api_keys SET scope = 'root' WHERE id = 'key_1'"));
            s.execute("INSERT INTO audit_log (id, workspace_id, actor, resource_type, resource_id, action, diff, created_at) "
                    + "VALUES ('aud_1', 'ws_b', 'operator', 'bot', 'bot_b', 'create', '{}', CURRENT_TIMESTAMP)");
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO audit_log (id, actor, resource_type, resource_id, "
                    + "action, diff, created_at) VALUES ('aud_2', 'operator', 'bot', 'x', 'explode', '{}', CURRENT_TIMESTAMP)"));
            // V9: a synthesized clip is binary of a few MB (BYTEA, VARBINARY on H2) and comes back byte for byte.
            byte[] clip = new byte[3_000_000];
            new java.util.Random(9).nextBytes(clip);
            try (java.sql.PreparedStatement p = c.prepareStatement("INSERT INTO agent_audio (id, workspace_id, wav, "
                    + "duration_seconds, created_at, expires_at) VALUES ('audio_1', 'ws_b', ?, 68.0, CURRENT_TIMESTAMP, "
                    + "CURRENT_TIMESTAMP)")) {
                p.setBytes(1, clip);
                p.executeUpdate();
            }
            try (ResultSet r = s.executeQuery("SELECT wav FROM agent_audio WHERE id = 'audio_1'")) {
                assertTrue(r.next());
                org.junit.jupiter.api.Assertions.assertArrayEquals(clip, r.getBytes(1));
            }
            s.execute("DELETE FROM workspaces WHERE id = 'ws_b'");
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM audit_log WHERE workspace_id = 'ws_b'")) {
                assertTrue(r.next());
                assertEquals(1, r.getInt(1), "the audit log outlives the workspace");
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM ameyo_integrations")) {
                assertTrue(r.next());
                assertEquals(0, r.getInt(1), "integrations go with their workspace");
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM agent_audio")) {
                assertTrue(r.next());
                assertEquals(0, r.getInt(1), "audio goes with its workspace");
            }
        }
    }
}
