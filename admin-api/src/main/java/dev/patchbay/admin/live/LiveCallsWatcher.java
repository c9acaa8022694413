package dev.patchbay.admin.live;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One client of the live-calls stream: a bounded queue of snapshots the hub fills and the client's own
 * thread drains onto its connection. The hub never waits on a client: a full queue drops the client.
 */
public final class LiveCallsWatcher implements AutoCloseable {

    /** Why a watcher's stream ended. */
    public enum End { NONE, TOO_SLOW, STOPPING }

    private final String scope;
    private final BlockingQueue<String> snapshots;
    private final Consumer<LiveCallsWatcher> leave;
    private volatile End end = End.NONE;

    LiveCallsWatcher(String scope, int buffer, Consumer<LiveCallsWatcher> leave) {
        this.scope = scope;
        this.snapshots = new ArrayBlockingQueue<>(buffer);
        this.leave = leave;
    }

    String scope() {
        return scope;
    }

    /** Queues a snapshot; false (and the watcher ends, TOO_SLOW) when the client has not taken the earlier ones. */
    boolean offer(String snapshot) {
        if (end != End.NONE) {
            return true;
        }
        if (snapshots.offer(snapshot)) {
            return true;
        }
        finish(End.TOO_SLOW);
        return false;
    }

    void end() {
        finish(End.STOPPING);
    }

    private void finish(End why) {
        end = why;
        snapshots.clear();
        // Wakes a client thread waiting in next(), so it sees the end now rather than at its keep-alive.
        snapshots.offer("");
        leave.accept(this);
    }

    /** The next snapshot as JSON, or null when none came within {@code wait} or the stream has ended. */
    public String next(Duration wait) throws InterruptedException {
        if (end != End.NONE) {
            return null;
        }
        String s = snapshots.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        return end == End.NONE ? s : null;
    }

    /** NONE while the stream goes on. */
    public End ended() {
        return end;
    }

    @Override
    public void close() {
        leave.accept(this);
    }
}
