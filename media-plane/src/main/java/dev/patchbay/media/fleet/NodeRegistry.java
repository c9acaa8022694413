package dev.patchbay.media.fleet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.logging.Logger;

import dev.patchbay.schema.DbSettings;

/**
 * This node's row in {@code media_nodes}: written at start, renewed by {@link #heartbeat}, deleted
 * when the node leaves after a drain. One JDBC connection, used by one thread at a time (the
 * heartbeat thread, then the drain); it is reopened after a failure, so a database restart costs
 * a few missed beats, not the node.
 */
public final class NodeRegistry implements AutoCloseable {

    /**
     * What the row says about the node besides its state and load.
     *
     * @param startedAt when this run began, before it took any call: control-planes end live records of
     *                  calls on this node created earlier, which a previous run (crashed, restarted under
     *                  the same id before its heartbeat lapsed) left behind
     */
    public record NodeRow(String nodeId, String sipAddress, String rtpAddress, String grpcAddress, int capacity,
                          Instant startedAt) { }

    private static final Logger LOG = Logger.getLogger(NodeRegistry.class.getName());

    private final DbSettings db;
    private final NodeRow row;
    private final Clock clock;
    private Connection connection;
    private boolean failing;

    public NodeRegistry(DbSettings db, NodeRow row, Clock clock) {
        this.db = db;
        this.row = row;
        this.clock = clock;
    }

    public NodeRow row() {
        return row;
    }

    /**
     * Writes the row as active, replacing one a previous run under the same id left behind.
     *
     * @throws SQLException when the database cannot be reached: a node told to register must not start unseen
     */
    public synchronized void register(int currentCalls) throws SQLException {
        write(NodeState.ACTIVE, currentCalls);
    }

    /** Renews the row; a failure is logged once per outage and retried on the next beat. */
    public synchronized boolean heartbeat(NodeState state, int currentCalls) {
        try {
            write(state, currentCalls);
            if (failing) {
                LOG.info(() -> "node " + row.nodeId() + ": heartbeat written again");
                failing = false;
            }
            return true;
        } catch (SQLException e) {
            if (!failing) {
                LOG.warning(() -> "node " + row.nodeId() + ": heartbeat failed (" + e.getMessage()
                        + "); control-planes declare this node dead if it stays down; retrying");
                failing = true;
            }
            drop();
            return false;
        }
    }

    /** Leaves the fleet: the row goes, so no control-plane sends this node anything more. */
    public synchronized void remove() {
        try (PreparedStatement s = connection().prepareStatement("DELETE FROM media_nodes WHERE node_id = ?")) {
            s.setString(1, row.nodeId());
            s.executeUpdate();
        } catch (SQLException e) {
            LOG.warning(() -> "node " + row.nodeId() + ": could not remove its row (" + e.getMessage()
                    + "); control-planes will find it lapsed");
        }
    }

    // UPDATE, then INSERT when there was no row: portable to H2 and PostgreSQL, and this node is the only writer of its row.
    private void write(NodeState state, int currentCalls) throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        Connection c = connection();
        try (PreparedStatement u = c.prepareStatement("UPDATE media_nodes SET sip_address = ?, rtp_address = ?, "
                + "grpc_address = ?, capacity = ?, current_calls = ?, state = ?, heartbeat_at = ?, started_at = ?, "
                + "lost_by = NULL, lost_claim_until = NULL WHERE node_id = ?")) {
            u.setString(1, row.sipAddress());
            u.setString(2, row.rtpAddress());
            u.setString(3, row.grpcAddress());
            u.setInt(4, row.capacity());
            u.setInt(5, currentCalls);
            u.setString(6, state.wire());
            u.setTimestamp(7, now);
            u.setTimestamp(8, Timestamp.from(row.startedAt()));
            u.setString(9, row.nodeId());
            if (u.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement i = c.prepareStatement("INSERT INTO media_nodes (node_id, sip_address, rtp_address, "
                + "grpc_address, capacity, current_calls, state, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            i.setString(1, row.nodeId());
            i.setString(2, row.sipAddress());
            i.setString(3, row.rtpAddress());
            i.setString(4, row.grpcAddress());
            i.setInt(5, row.capacity());
            i.setInt(6, currentCalls);
            i.setString(7, state.wire());
            i.setTimestamp(8, Timestamp.from(row.startedAt()));
            i.setTimestamp(9, now);
            i.executeUpdate();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(db.url(), db.username(), db.password());
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private void drop() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being replaced because it failed
            }
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        drop();
    }
}
