package dev.patchbay.media.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One thread that owns a set of calls: it reads their RTP sockets and, every 20 ms, sends each one
 * frame. All per-call media state is touched only here, so the hot path needs no locks. Other
 * threads talk to a loop only through {@link #execute}.
 */
public final class MediaLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MediaLoop.class.getName());
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Bounds the packets read from one socket per wake-up, so one flooded call cannot starve the rest. */
    private static final int MAX_READS_PER_WAKE = 32;

    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final List<CallMedia> calls = new ArrayList<>();
    private final List<Runnable> afterTick = new ArrayList<>();
    private final byte[] receiveBytes = new byte[2048];
    private final ByteBuffer receiveBuffer = ByteBuffer.wrap(receiveBytes);
    private final Consumer<SelectionKey> onReadable = this::readAll;
    private final Thread thread;
    private volatile boolean running = true;

    public MediaLoop(String name) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the media loop", e);
        }
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    /** Runs {@code command} on the loop thread, soon. */
    public void execute(Runnable command) {
        commands.add(command);
        selector.wakeup();
    }

    /** True on this loop's own thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code task} after every tick, once all calls have had theirs: a batching uplink sends
     * the tick's frames there. Loop thread only; adding the same task twice keeps one.
     */
    public void afterTick(Runnable task) {
        if (!inLoop()) {
            throw new IllegalStateException("afterTick is for the loop's own thread; use execute() to get there");
        }
        if (!afterTick.contains(task)) {
            afterTick.add(task);
        }
    }

    /** Stops running {@code task} after ticks; any thread. */
    public void removeAfterTick(Runnable task) {
        execute(() -> afterTick.remove(task));
    }

    /** Called on the loop thread by {@link CallMedia#start}. */
    void register(CallMedia media, DatagramChannel channel) throws ClosedChannelException {
        channel.register(selector, SelectionKey.OP_READ, media);
        calls.add(media);
    }

    /** Called on the loop thread by {@link CallMedia#stop}. */
    void unregister(CallMedia media, DatagramChannel channel) {
        SelectionKey key = channel.keyFor(selector);
        if (key != null) {
            key.cancel();
        }
        calls.remove(media);
    }

    private void run() {
        long nextTick = System.nanoTime() + TICK_NANOS;
        while (running) {
            try {
                long waitNanos = nextTick - System.nanoTime();
                if (waitNanos > 0) {
                    selector.select(onReadable, Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
                } else {
                    selector.selectNow(onReadable);
                }
                runCommands();
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    tick(now);
                    nextTick += TICK_NANOS;
                    if (now - nextTick > 5 * TICK_NANOS) {
                        nextTick = now + TICK_NANOS; // we were descheduled for long: resync, don't burst
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.SEVERE, "media loop " + thread.getName() + " failed an iteration; continuing", e);
            }
        }
    }

    private void runCommands() {
        Runnable r;
        while ((r = commands.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "media loop command failed", e);
            }
        }
    }

    private void tick(long now) {
        for (int i = 0; i < calls.size(); i++) {
            calls.get(i).tick(now);
        }
        for (int i = 0; i < afterTick.size(); i++) {
            try {
                afterTick.get(i).run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "an after-tick task of media loop " + thread.getName() + " failed", e);
            }
        }
    }

    private void readAll(SelectionKey key) {
        CallMedia media = (CallMedia) key.attachment();
        DatagramChannel channel = (DatagramChannel) key.channel();
        for (int i = 0; i < MAX_READS_PER_WAKE; i++) {
            receiveBuffer.clear();
            SocketAddress source;
            try {
                source = channel.receive(receiveBuffer);
            } catch (IOException e) {
                // ICMP port unreachable and the like surface here; the peer may come back.
                return;
            }
            if (source == null) {
                return;
            }
            media.onPacket(source, receiveBytes, receiveBuffer.position(), System.nanoTime());
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
