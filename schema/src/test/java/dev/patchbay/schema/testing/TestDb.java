package dev.patchbay.schema.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh schema in the real PostgreSQL for one test class, dropped afterwards. The database comes
 * from PATCHBAY_TEST_DB_URL (default the local {@code test} database).
 */
public final class TestDb implements AutoCloseable {

    public static final String BASE_URL = env("PATCHBAY_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = env("PATCHBAY_TEST_DB_USER", "postgres");
    public static final String PASSWORD = env("PATCHBAY_TEST_DB_PASSWORD", "");

    public final String schema = "pb_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);

    public TestDb() {
        execute("CREATE SCHEMA " + schema);
    }

    public String url() {
        return BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(BASE_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL at " + BASE_URL + " is not usable (" + e.getMessage()
                    + "): start it (./patchbay test does) or set PATCHBAY_TEST_DB_URL", e);
        }
    }

    /** Settings for this schema, for Flyway and the apps. */
    /** Rows of {@code query} in this schema, each as its columns in order, as strings. */
    public List<List<String>> rows(String query) {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url(), USER, PASSWORD);
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    row.add(r.getString(i));
                }
                out.add(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + query, e);
        }
        return out;
    }

    public dev.patchbay.schema.DbSettings settings() {
        return new dev.patchbay.schema.DbSettings(url(), USER, PASSWORD);
    }

    @Override
    public void close() {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}
