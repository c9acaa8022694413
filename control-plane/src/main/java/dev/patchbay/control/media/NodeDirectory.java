package dev.patchbay.control.media;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/**
 * The {@code media_nodes} table as control-plane replicas use it: the live nodes, and the claim by
 * which exactly one replica takes a dead node's calls. The claim is a conditional UPDATE: PostgreSQL
 * locks the row, so a second replica's UPDATE waits, re-reads the row, finds it already claimed
 * and changes nothing. A claim expires, so a replica that dies mid-sweep leaves the work to another.
 */
public final class NodeDirectory {

    private final DbClient db;

    public NodeDirectory(DbClient db) {
        this.db = db;
    }

    /** Nodes whose heartbeat is not older than {@code cutoff}, active or draining. */
    public List<NodeInfo> live(Instant cutoff) {
        return Db.list(db.execute().namedQuery("select-live-media-nodes", Db.utc(cutoff)), row -> {
            Map<String, Object> c = Db.columns(row);
            return new NodeInfo((String) c.get("node_id"), (String) c.get("sip_address"), (String) c.get("rtp_address"),
                    (String) c.get("grpc_address"), ((Number) c.get("capacity")).intValue(),
                    ((Number) c.get("current_calls")).intValue(), "active".equals(c.get("state")),
                    Db.instant(c.get("heartbeat_at")), Db.instant(c.get("started_at")));
        });
    }

    /** A dead node this replica has claimed: its calls are this replica's to end. */
    public record LostNode(String nodeId, String grpcAddress, Instant lastHeartbeat) { }

    /**
     * Claims nodes whose heartbeat is older than {@code cutoff} (or whose earlier claim expired
     * unfinished) for {@code replica} until {@code claimUntil}.
     */
    public List<LostNode> claimLost(String replica, Instant cutoff, Instant now, Instant claimUntil) {
        List<LostNode> claimed = new ArrayList<>();
        List<Map<String, Object>> candidates = Db.list(db.execute().namedQuery("select-lapsed-media-nodes",
                Db.utc(cutoff), Db.utc(now)), Db::columns);
        for (Map<String, Object> c : candidates) {
            String id = (String) c.get("node_id");
            Object beat = c.get("heartbeat_at");
            // The same heartbeat as read: a node that came back in between is not claimed.
            long n = db.execute().namedUpdate("claim-lost-media-node", replica, Db.utc(claimUntil), id, beat, Db.utc(now));
            if (n == 1) {
                claimed.add(new LostNode(id, (String) c.get("grpc_address"), Db.instant(beat)));
            }
        }
        return claimed;
    }

    /** The claimed node's calls are ended: its row goes. */
    public void forget(LostNode node, String replica) {
        db.execute().namedDelete("delete-lost-media-node", node.nodeId(), replica);
    }

    /** Ids of calls live on {@code grpcAddress} whose records were made before {@code before}. */
    public List<String> liveCallsOn(String grpcAddress, Instant before) {
        return Db.list(db.execute().namedQuery("select-live-calls-on-node-before", grpcAddress, Db.utc(before)),
                row -> (String) Db.columns(row).get("id"));
    }

    /** Ids of calls whose records say they are live on {@code grpcAddress}. */
    public List<String> liveCallsOn(String grpcAddress) {
        return Db.list(db.execute().namedQuery("select-live-calls-on-node", grpcAddress), row -> (String) Db.columns(row).get("id"));
    }
}
