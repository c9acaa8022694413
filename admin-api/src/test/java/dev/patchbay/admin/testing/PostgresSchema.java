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

    /** Runs one statement with plain JDBC, for fixtures no API of this process writes. */
    public void execute(String sql) {
        try (Connection c = DriverManager.getConnection(url(), USER, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError("statement failed: " + sql, e);
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

    /**
     * Every row of every table of this schema, as text, table by table: two equal snapshots mean
     * nothing was written in between. Read with plain JDBC, not the code under test.
     */
    public java.util.SortedMap<String, java.util.List<String>> snapshot() {
        java.util.SortedMap<String, java.util.List<String>> all = new java.util.TreeMap<>();
        try (Connection c = DriverManager.getConnection(url(), USER, ""); Statement s = c.createStatement()) {
            java.util.List<String> tables = new java.util.ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + schema + "' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                java.util.List<String> rows = new java.util.ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= n; i++) {
                            row.append(rs.getMetaData().getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
                        }
                        rows.add(row.toString());
                    }
                }
                java.util.Collections.sort(rows);
                all.put(table, rows);
            }
        } catch (SQLException e) {
            throw new AssertionError("cannot read schema " + schema, e);
        }
        return all;
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
