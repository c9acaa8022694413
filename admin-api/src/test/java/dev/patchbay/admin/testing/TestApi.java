package dev.patchbay.admin.testing;

import java.util.HashMap;
import java.util.Map;

import dev.patchbay.admin.app.AdminApi;
import io.helidon.config.Config;
import dev.patchbay.startup.StartupException;

/** An admin-api on loopback port 0 over its own PostgreSQL schema; closing stops both. */
public final class TestApi implements AutoCloseable {

    public static final String KEY = "test-operator-key-0123456789abcdef";
    /** {@code patchbay.secrets.key} of every test API: 32 bytes, base64. */
    public static final String SECRETS_KEY = java.util.Base64.getEncoder().encodeToString(
            "patchbay-admin-test-secrets-key!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    private final PostgresSchema db;
    private final AdminApi api;
    private final ApiClient client;

    private TestApi(PostgresSchema db, AdminApi api) {
        this.db = db;
        this.api = api;
        this.client = new ApiClient(api.port(), KEY);
    }

    /** Platform mode (no demo seed, explicit key) unless {@code overrides} say otherwise. */
    public static TestApi start(Map<String, String> overrides) {
        PostgresSchema db = PostgresSchema.create();
        try {
            return new TestApi(db, AdminApi.start(config(db, overrides)));
        } catch (RuntimeException e) {
            db.close();
            throw new AssertionError("admin-api did not start: " + e.getMessage(), e);
        }
    }

    public static TestApi start() {
        return start(Map.of());
    }

    public static Config config(PostgresSchema db, Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(db.settings());
        all.put("patchbay.admin.server.host", "127.0.0.1");
        all.put("patchbay.admin.server.port", "0");
        all.put("patchbay.admin.key", KEY);
        all.put("patchbay.local", "false");
        all.put("patchbay.secrets.key", SECRETS_KEY);
        all.putAll(overrides);
        return AdminApi.config(all);
    }

    public ApiClient client() {
        return client;
    }

    public PostgresSchema db() {
        return db;
    }

    public AdminApi api() {
        return api;
    }

    @Override
    public void close() {
        try {
            api.close();
        } finally {
            db.close();
        }
    }
}
