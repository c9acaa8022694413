package dev.patchbay.control.wss;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where the bridges of one media node send caller frames to their bots: a thread per core, off the node's
 * gRPC event loop, which must stay free to carry the bots' audio to the node. Each {@link BotSendQueue}
 * queues at most one task at a time (its work counter, its one reused task), so the queue needs a slot per
 * bridge, and an array-backed queue takes a task without allocating.
 */
final class BotSenders implements Executor, AutoCloseable {

    private final ThreadPoolExecutor pool;

    /**
     * {@code config.senderThreads()} threads; {@code config.senderQueue()} bridges with a send waiting at once,
     * beyond which a task runs on the thread that queued it, as before.
     */
    BotSenders(String node, BridgeConfig config) {
        int threads = config.senderThreads();
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.senderQueue()),
                Thread.ofPlatform().daemon().name("wss-send " + node + " #", 1).factory(), (task, p) -> task.run());
        pool.prestartAllCoreThreads();
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
