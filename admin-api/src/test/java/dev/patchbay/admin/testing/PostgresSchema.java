package dev.patchbay.admin.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A fresh schema {@code pb_admin_<random>} in the real PostgreSQL, dropped on close, so test
 * classes never see each other's rows. An unreachable server fails the test: a skipped database
 * test would pass CI without testing anything.
 */
public final class PostgresSchema implements AutoCloseable {

    public static final String URL = env("PATCHBAY_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = env("PATCHBAY_TEST_DB_USER", "postgres");

    private final String schema;

    private PostgresSchema(String schema) {
        this.schema = schema;
    }

    public static PostgresSchema create() {
        String schema = "pb_admin_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            fail("PostgreSQL is not reachable at " + URL + " as " + USER + " (" + e.getMessage() + "): start PostgreSQL"
                    + " (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set"
                    + " PATCHBAY_TEST_DB_URL / PATCHBAY_TEST_DB_USER to a reachable server", e);
        }
        return new PostgresSchema(schema);
    }

    public String url() {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** The {@code patchbay.db.connection.*} settings that point at this schema. */
    public Map<String, String> settings() {
        return Map.of(
                "patchbay.db.connection.url", url(),
                "patchbay.db.connection.username", USER,
                "patchbay.db.connection.password", "");
    }

    /** A single number from {@code sql}, read with plain JDBC so the check does not trust the code under test. */
    public long count(String sql) {
        try (Connection c = DriverManager.getConnection(url(), USER, ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError("query failed: " + sql, e);
        }
    }

    /** A single text value from {@code sql} (null for SQL NULL), read with plain JDBC. */
    public String text(String sql) {
        try (Connection c = DriverManager.getConnection(url(), USER, ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row: " + sql);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new AssertionError("query failed: " + sql, e);
        }
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new AssertionError("cannot drop test schema " + schema, e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
