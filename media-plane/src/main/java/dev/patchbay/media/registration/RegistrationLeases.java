package dev.patchbay.media.registration;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.patchbay.schema.DbSettings;

/**
 * The {@code trunk_registrations} rows (V22) as a node sees them, and its leases on them. A claim
 * is one conditional UPDATE: PostgreSQL locks the row and re-checks the condition for the second of
 * two racing nodes, so exactly one wins. Every write of state names this node as holder, so a node
 * whose lease was taken over cannot overwrite the new holder's report. One connection, used only by
 * the keeper's thread, reopened after a failure.
 */
final class RegistrationLeases implements AutoCloseable {

    /** A row's settings and lease; the password still sealed. */
    record Row(String trunkId, String workspaceId, String registrar, String transport, String username,
               String passwordEnc, int expires, String contactUser, int revision, String holderNode, Instant leaseUntil) {
        @Override
        public String toString() {
            return "Row[trunkId=" + trunkId + ", registrar=" + registrar + ", holder=" + holderNode + "]";
        }
    }

    private static final int STATEMENT_TIMEOUT = 5;

    private final DbSettings db;
    private final String nodeId;
    private Connection connection;

    RegistrationLeases(DbSettings db, String nodeId) {
        this.db = db;
        this.nodeId = nodeId;
    }

    // Every workspace's rows: the node serves the whole fleet, as the control-plane's router does.
    List<Row> all() throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s = prepare("SELECT trunk_id, workspace_id, registrar, transport, username, password_enc, "
                + "expires, contact_user, revision, holder_node, lease_until FROM trunk_registrations ORDER BY trunk_id");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                Timestamp lease = r.getTimestamp(11);
                rows.add(new Row(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                        r.getString(6), r.getInt(7), r.getString(8), r.getInt(9), r.getString(10),
                        lease == null ? null : lease.toInstant()));
            }
        }
        return rows;
    }

    /** Takes the row when no one holds it or its holder's lease has lapsed; true when this node now holds it. */
    boolean claim(String trunkId, Instant now, Instant until) throws SQLException {
        try (PreparedStatement s = prepare("UPDATE trunk_registrations SET holder_node = ?, lease_until = ?, updated_at = ? "
                + "WHERE trunk_id = ? AND (holder_node IS NULL OR holder_node = ? OR lease_until IS NULL OR lease_until < ?)")) {
            s.setString(1, nodeId);
            s.setTimestamp(2, Timestamp.from(until));
            s.setTimestamp(3, Timestamp.from(now));
            s.setString(4, trunkId);
            s.setString(5, nodeId);
            s.setTimestamp(6, Timestamp.from(now));
            return s.executeUpdate() == 1;
        }
    }

    /** Extends every lease this node holds. */
    void renew(Instant until) throws SQLException {
        try (PreparedStatement s = prepare("UPDATE trunk_registrations SET lease_until = ? WHERE holder_node = ?")) {
            s.setTimestamp(1, Timestamp.from(until));
            s.setString(2, nodeId);
            s.executeUpdate();
        }
    }

    /** What the admin API shows; written only while this node is the holder. */
    void report(String trunkId, String state, Instant expiresAt, String lastError, Instant now) throws SQLException {
        try (PreparedStatement s = prepare("UPDATE trunk_registrations SET state = ?, expires_at = ?, last_error = ?, "
                + "updated_at = ? WHERE trunk_id = ? AND holder_node = ?")) {
            s.setString(1, state);
            if (expiresAt == null) {
                s.setNull(2, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                s.setTimestamp(2, Timestamp.from(expiresAt));
            }
            s.setString(3, lastError == null ? null : lastError.substring(0, Math.min(500, lastError.length())));
            s.setTimestamp(4, Timestamp.from(now));
            s.setString(5, trunkId);
            s.setString(6, nodeId);
            s.executeUpdate();
        }
    }

    /** Gives the row up (drain): another node claims it on its next poll. */
    void release(String trunkId, Instant now) throws SQLException {
        try (PreparedStatement s = prepare("UPDATE trunk_registrations SET holder_node = NULL, lease_until = NULL, "
                + "state = 'unregistered', expires_at = NULL, updated_at = ? WHERE trunk_id = ? AND holder_node = ?")) {
            s.setTimestamp(1, Timestamp.from(now));
            s.setString(2, trunkId);
            s.setString(3, nodeId);
            s.executeUpdate();
        }
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        try {
            PreparedStatement s = connection().prepareStatement(sql);
            s.setQueryTimeout(STATEMENT_TIMEOUT);
            return s;
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(db.url(), db.username(), db.password());
            connection.setAutoCommit(true);
        }
        return connection;
    }

    /** Drops the connection; the next statement opens a new one. Also called after a failed statement. */
    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being dropped anyway
            }
            connection = null;
        }
    }
}
