package dev.patchbay.control.media;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * One poll of the node registry, run every {@code patchbay.control.media.poll} by every replica:
 * connect to the live nodes and drop the rest ({@link MediaNodes#sync}), then claim nodes whose
 * heartbeat lapsed and end their calls' records with cause {@code media-node-lost}. PostgreSQL's
 * row lock makes exactly one replica win each claim; ending a record is idempotent besides, so a
 * hang-up callback is queued once.
 */
public final class NodeDiscovery {

    /** Ends a call's record because its node is gone, with callbacks; completes once it is recorded. */
    @FunctionalInterface
    public interface LostCalls {
        CompletableFuture<Void> end(String callId, String reason);
    }

    /**
     * @param poll  how often the table is read
     * @param lapse a heartbeat older than this means the node is dead
     * @param claim how long one replica's claim on a dead node lasts before another may redo it
     */
    public record Settings(Duration poll, Duration lapse, Duration claim) { }

    /** What one poll did, for logs and tests. */
    public record Result(int live, List<String> lostNodes, int lostCalls) { }

    private static final Logger LOG = Logger.getLogger(NodeDiscovery.class.getName());

    private final NodeDirectory directory;
    private final MediaNodes nodes;
    private final Function<String, MediaNodeLink> connect;
    private final LostCalls lost;
    private final String replica;
    private final Settings settings;
    private final Clock clock;
    private boolean failing;
    /** Each live node's run as this replica last saw it, by node id. */
    private final Map<String, Instant> runs = new HashMap<>();

    public NodeDiscovery(NodeDirectory directory, MediaNodes nodes, Function<String, MediaNodeLink> connect,
                         LostCalls lost, String replica, Settings settings, Clock clock) {
        this.directory = directory;
        this.nodes = nodes;
        this.connect = connect;
        this.lost = lost;
        this.replica = replica;
        this.settings = settings;
        this.clock = clock;
    }

    public Settings settings() {
        return settings;
    }

    /** One poll; a database error is logged once per outage and the set of links is left as it was. */
    public synchronized Result poll() {
        try {
            Instant now = clock.instant();
            Instant cutoff = now.minus(settings.lapse());
            List<NodeInfo> live = directory.live(cutoff);
            nodes.sync(live, connect);
            List<String> lostNodes = new ArrayList<>();
            int lostCalls = restarted(live);
            for (NodeDirectory.LostNode node : directory.claimLost(replica, cutoff, now, now.plus(settings.claim()))) {
                lostNodes.add(node.nodeId());
                lostCalls += endCalls(node);
            }
            if (failing) {
                LOG.info("media node registry readable again");
                failing = false;
            }
            return new Result(live.size(), lostNodes, lostCalls);
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warning(() -> "media node registry: " + e.getMessage() + "; keeping the nodes known so far");
                failing = true;
            }
            return new Result(nodes.all().size(), List.of(), 0);
        }
    }

    /**
     * A node seen for the first time, or with a new run: calls recorded on it before that run began
     * were lost with the previous run (a crash and a restart under the same id before the lapse, as
     * systemd or a DaemonSet do). Ending a record is idempotent, so replicas that all check agree.
     */
    private int restarted(List<NodeInfo> live) {
        int ended = 0;
        Set<String> seen = new HashSet<>();
        for (NodeInfo n : live) {
            seen.add(n.nodeId());
            Instant before = runs.put(n.nodeId(), n.startedAt());
            if (n.startedAt() == null || n.startedAt().equals(before)) {
                continue;
            }
            List<String> calls = directory.liveCallsOn(n.grpcAddress(), n.startedAt());
            if (!calls.isEmpty()) {
                String reason = "media node " + n.nodeId() + " (" + n.grpcAddress() + ") restarted at " + n.startedAt()
                        + "; its previous run ended without draining";
                LOG.warning(() -> reason + "; ending " + calls.size() + " calls of that run as media-node-lost");
                calls.forEach(id -> lost.end(id, reason));
                ended += calls.size();
            }
        }
        runs.keySet().retainAll(seen);
        return ended;
    }

    private int endCalls(NodeDirectory.LostNode node) {
        List<String> calls = directory.liveCallsOn(node.grpcAddress());
        String reason = "media node " + node.nodeId() + " (" + node.grpcAddress() + ") stopped: no heartbeat since "
                + node.lastHeartbeat();
        LOG.warning(() -> reason + "; ending its " + calls.size() + " calls as media-node-lost");
        List<CompletableFuture<Void>> ended = calls.stream().map(id -> lost.end(id, reason)).toList();
        try {
            CompletableFuture.allOf(ended.toArray(CompletableFuture[]::new))
                    .get(settings.claim().toMillis(), TimeUnit.MILLISECONDS);
            directory.forget(node, replica);
        } catch (ExecutionException | TimeoutException e) {
            // The row stays claimed; when the claim expires a replica ends what is left (ending is idempotent).
            LOG.warning(() -> "media node " + node.nodeId() + ": not every call could be ended: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return calls.size();
    }
}
