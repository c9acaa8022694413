package dev.patchbay.media.fleet;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.logging.Logger;

/**
 * This node's life in the fleet: it joins active, renews its row every heartbeat with its current
 * call count, turns draining on SIGTERM, and leaves by deleting the row. The heartbeat has its own
 * thread, so a slow database never delays call timers or SIP.
 */
public final class FleetMember implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FleetMember.class.getName());

    private final NodeRegistry registry;
    private final Duration every;
    private final IntSupplier currentCalls;
    private final ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("node-heartbeat").daemon(true).factory());
    private volatile NodeState state = NodeState.ACTIVE;
    private volatile boolean gone;
    /** Heartbeats that failed in a row; from the second on, control-planes may soon think this node dead. */
    private final AtomicInteger failedBeats = new AtomicInteger();

    public FleetMember(NodeRegistry registry, Duration every, IntSupplier currentCalls) {
        this.registry = registry;
        this.every = every;
        this.currentCalls = currentCalls;
    }

    /** Writes the row and starts the heartbeat; fails if the database cannot be reached. */
    public void join() throws SQLException {
        registry.register(currentCalls.getAsInt());
        long ms = every.toMillis();
        beat.scheduleWithFixedDelay(this::renew, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info(() -> "node " + registry.row().nodeId() + " joined the fleet: SIP " + registry.row().sipAddress()
                + ", gRPC " + registry.row().grpcAddress() + ", capacity " + registry.row().capacity());
    }

    public NodeState state() {
        return state;
    }

    /**
     * From now on the row says draining; written at once on the heartbeat thread, so discovery stops
     * picking this node within one poll and a slow database never delays the drain itself.
     */
    public void drain() {
        state = NodeState.DRAINING;
        try {
            beat.execute(this::renew);
        } catch (RejectedExecutionException e) {
            // already leaving: the row is about to go anyway
        }
    }

    /** Stops the heartbeat and deletes the row. */
    public void leave() {
        if (gone) {
            return;
        }
        gone = true;
        beat.shutdownNow();
        try {
            beat.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.remove();
        registry.close();
        LOG.info(() -> "node " + registry.row().nodeId() + " left the fleet");
    }

    private void renew() {
        if (registry.heartbeat(state, currentCalls.getAsInt())) {
            failedBeats.set(0);
        } else {
            failedBeats.incrementAndGet();
        }
    }

    /**
     * Why this node should take no new call on account of the registry, or null. A node that cannot
     * renew its row is about to be declared dead by every control-plane (its call records ended), so it
     * steers the SIP front away before that happens.
     */
    public String problem() {
        int failed = failedBeats.get();
        return failed >= 2 ? "this node cannot renew its registry row (" + failed + " heartbeats failed)" : null;
    }

    /** Stops beating without removing the row, as a crash would; for tests of the lapse. */
    public void abandon() {
        gone = true;
        beat.shutdownNow();
        registry.close();
    }

    @Override
    public void close() {
        leave();
    }
}
