package dev.patchbay.control.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which api_keys rows open the provider API (V7): provider keys only, never a workspace admin key,
 * and a rotated key until the end of its overlap (revoked_at in the future), not after.
 */
class TenantsApiKeyTest {

    private static TestDb db;
    private static DbClient client;

    @BeforeAll
    static void start() throws Exception {
        db = new TestDb();
        Migrations.migrate(db.settings());
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_a', 'A', TRUE, CURRENT_TIMESTAMP)");
            String insert = "INSERT INTO api_keys (id, workspace_id, scope, name, secret_sha256, created_at, revoked_at) VALUES ";
            s.execute(insert + "('key_live', 'ws_a', 'provider', 'n', 'h', CURRENT_TIMESTAMP, NULL)");
            s.execute(insert + "('key_overlap', 'ws_a', 'provider', 'n', 'h', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP + INTERVAL '1 hour')");
            s.execute(insert + "('key_ended', 'ws_a', 'provider', 'n', 'h', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP - INTERVAL '1 second')");
            s.execute(insert + "('akey_admin', 'ws_a', 'admin', 'n', 'h', CURRENT_TIMESTAMP, NULL)");
        }
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", db.url(),
                        "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD)))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
        client = DbClient.create(config.get("patchbay.db"));
    }

    @AfterAll
    static void stop() {
        client.close();
        db.close();
    }

    @Test
    void providerKeysOpenUntilTheirEndAdminKeysNever() {
        Tenants tenants = new Tenants(client);
        assertEquals("ws_a", tenants.apiKey("key_live").orElseThrow().workspaceId());
        assertTrue(tenants.apiKey("key_overlap").isPresent(), "a rotated key works during its overlap");
        assertTrue(tenants.apiKey("key_ended").isEmpty(), "and not after it");
        assertTrue(tenants.apiKey("akey_admin").isEmpty(), "an admin key is not a provider key");
    }
}
