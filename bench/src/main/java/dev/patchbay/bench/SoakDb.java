package dev.patchbay.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The soak's own PostgreSQL database: made for the run and dropped after it, so its rows are the run's
 * and nothing else's. Each process connects with its own {@code ApplicationName}, which is how
 * {@code pg_stat_activity} tells their connections apart. Every query on Patchbay's tables is scoped to
 * the one workspace the soak calls into.
 */
final class SoakDb implements AutoCloseable {

    /** A call's record as the check at the end sees it: Patchbay's call id, status, and whether it has ended. */
    /** A call's record; {@code sipCallId} is the caller's Call-ID, null if the record has none. */
    record Record(String id, String status, boolean ended, String sipCallId) {
    }

    /**
     * The check at the end: INVITEs sent, of which answered; the records; how many answered calls have none;
     * the records not finished; the records that name no Call-ID (an inbound record must).
     */
    record Check(long placed, long answered, int records, long missing, List<Record> unfinished, long withoutCallId) {
        boolean passed() {
            return missing == 0 && unfinished.isEmpty() && withoutCallId == 0;
        }
    }

    static final String USER = "postgres";
    private static final Set<String> FINAL = Set.of("completed", "busy", "failed", "no-answer", "canceled", "rejected");

    private final String server;
    private final String name;
    private final String workspace;
    private final Connection db;

    /**
     * @param server    {@code jdbc:postgresql://host:port/}
     * @param name      the database to create (it must not exist)
     * @param workspace the workspace every query is scoped to
     */
    SoakDb(String server, String name, String workspace) throws SQLException {
        this.server = server;
        this.name = name;
        this.workspace = workspace;
        try (Connection admin = DriverManager.getConnection(server + "postgres", USER, "");
             Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new SQLException("cannot create the soak database " + name + " at " + server
                    + ": the soak needs PostgreSQL there with user " + USER + " allowed to create databases (./patchbay setup)", e);
        }
        this.db = DriverManager.getConnection(url("patchbay-soak"), USER, "");
    }

    /** The JDBC URL one process uses: its connections show as {@code app} in pg_stat_activity. */
    String url(String app) {
        return server + name + "?ApplicationName=" + app;
    }

    /** Connections to this database per application name. */
    Map<String, Long> connections() throws SQLException {
        Map<String, Long> byApp = new HashMap<>();
        try (PreparedStatement q = db.prepareStatement(
                "SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = ? GROUP BY application_name")) {
            q.setString(1, name);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    byApp.put(r.getString(1), r.getLong(2));
                }
            }
        }
        return byApp;
    }

    /** Rows of calls not yet ended, in the workspace. */
    long liveCalls() throws SQLException {
        return count("SELECT count(*) FROM calls WHERE workspace_id = ? AND ended_at IS NULL");
    }

    /** Callbacks still waiting for delivery, in the workspace. */
    long pendingOutbox() throws SQLException {
        return count("SELECT count(*) FROM outbox WHERE workspace_id = ? AND state = 'pending'");
    }

    /** Every call record of the workspace (the database is the run's own: all are the soak's). */
    List<Record> records() throws SQLException {
        List<Record> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement("SELECT id, status, ended_at, sip_call_id FROM calls WHERE workspace_id = ?")) {
            q.setString(1, workspace);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.add(new Record(r.getString(1), r.getString(2), r.getTimestamp(3) != null, r.getString(4)));
                }
            }
        }
        return out;
    }

    /**
     * Every answered call must have a record, found by its Call-ID, and every record must have ended in a final
     * status. A record more than the answered calls is a call the generator gave up on (no answer in 10 s)
     * that was answered late; it must be finished too. Every record here is inbound, so each must name its
     * caller's Call-ID.
     */
    static Check check(long placed, Set<String> answeredCallIds, List<Record> records) {
        List<Record> unfinished = records.stream().filter(r -> !r.ended() || !FINAL.contains(r.status())).toList();
        Set<String> recorded = new HashSet<>();
        records.forEach(r -> recorded.add(r.sipCallId()));
        long missing = answeredCallIds.stream().filter(id -> !recorded.contains(id)).count();
        long withoutCallId = records.stream().filter(r -> r.sipCallId() == null).count();
        return new Check(placed, answeredCallIds.size(), records.size(), missing, unfinished, withoutCallId);
    }

    private long count(String sql) throws SQLException {
        try (PreparedStatement q = db.prepareStatement(sql)) {
            q.setString(1, workspace);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Drops the database; the processes must have stopped (PostgreSQL refuses a database in use). */
    @Override
    public void close() throws SQLException {
        db.close();
        try (Connection admin = DriverManager.getConnection(server + "postgres", USER, "");
             Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
