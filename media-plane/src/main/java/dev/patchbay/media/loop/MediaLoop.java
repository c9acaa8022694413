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
 * One thread that owns a set of calls. Caller media moves on arrival: a caller packet is read, and
 * its frame goes up to the bot, as soon as the socket is readable. Toward the caller each call has
 * its own 20 ms send slots: the loop wakes when bot audio lands in an empty queue
 * ({@link #audioArrived}) and when a call's next slot comes ({@link CallMedia#sendWake}). A 20 ms
 * tick does the rest: conceals lost caller audio and checks timeouts. All per-call media state is
 * touched only here, so the hot path needs no locks. Other threads talk to a loop only through
 * {@link #execute} and {@link #audioArrived}.
 */
public final class MediaLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MediaLoop.class.getName());
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Bounds the packets read from one socket per wake-up, so one flooded call cannot starve the rest. */
    private static final int MAX_READS_PER_WAKE = 32;

    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final List<CallMedia> calls = new ArrayList<>();
    private final List<Runnable> afterWake = new ArrayList<>();
    private final Object arrivedLock = new Object();
    private ArrayList<CallMedia> arrived = new ArrayList<>();   // guarded by arrivedLock
    private ArrayList<CallMedia> sending = new ArrayList<>();   // loop-owned; swapped with arrived
    private final byte[] receiveBytes = new byte[2048];
    private final ByteBuffer receiveBuffer = ByteBuffer.wrap(receiveBytes);
    private final Consumer<SelectionKey> onReadable = this::readAll;
    private final String name;
    private final NanoClock clock;
    private volatile Thread thread;
    private volatile boolean running = true;
    /** The earliest send slot of any call, as of the last pass over them; loop-owned. */
    private long nextSend;

    /** A loop that runs nothing until {@link #start}; every time it hands its calls is read from {@code clock}. */
    public MediaLoop(String name, NanoClock clock) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the media loop", e);
        }
        this.name = name;
        this.clock = clock;
    }

    /** Starts the loop's thread; once only. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("media loop " + name + " is already started");
        }
        Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        t.setPriority(Thread.MAX_PRIORITY);
        thread = t;
        t.start();
    }

    /** The clock this loop and its calls read. */
    public NanoClock clock() {
        return clock;
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
     * Any thread: bot audio landed in an empty playout queue of {@code media}; the loop sends it
     * if the call's pacing allows. No allocation once the lists have grown to the loop's calls.
     */
    void audioArrived(CallMedia media) {
        boolean first;
        synchronized (arrivedLock) {
            first = arrived.isEmpty();
            arrived.add(media);
        }
        if (first && !inLoop()) {
            selector.wakeup();
        }
    }

    /**
     * Runs {@code task} after every wake-up of the loop, once the packets read, the commands and
     * any tick are done: a batching uplink sends what the wake-up produced there. Loop thread only;
     * adding the same task twice keeps one.
     */
    public void afterWake(Runnable task) {
        if (!inLoop()) {
            throw new IllegalStateException("afterWake is for the loop's own thread; use execute() to get there");
        }
        if (!afterWake.contains(task)) {
            afterWake.add(task);
        }
    }

    /** Stops running {@code task} after wake-ups; any thread. */
    public void removeAfterWake(Runnable task) {
        execute(() -> afterWake.remove(task));
    }

    /** Called on the loop thread by {@link CallMedia#start}. */
    void register(CallMedia media, DatagramChannel channel) throws ClosedChannelException {
        channel.register(selector, SelectionKey.OP_READ, media);
        calls.add(media);
        nextSend = clock.nanos(); // its first packet goes at once
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
        long nextTick = clock.nanos() + TICK_NANOS;
        nextSend = nextTick;
        while (running) {
            try {
                long wakeAt = nextSend - nextTick < 0 ? nextSend : nextTick;
                long waitNanos = wakeAt - clock.nanos();
                if (waitNanos > 0) {
                    selector.select(onReadable, Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
                } else {
                    selector.selectNow(onReadable);
                }
                runCommands();
                long now = clock.nanos();
                sendArrived(now);
                if (now - nextTick >= 0) {
                    tick(now);
                    nextTick += TICK_NANOS;
                    if (now - nextTick > 5 * TICK_NANOS) {
                        nextTick = now + TICK_NANOS; // we were descheduled for long: resync, don't burst
                    }
                }
                if (now - nextSend >= 0) {
                    nextSend = sendDue(now);
                }
                runAfterWake();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.SEVERE, "media loop " + name + " failed an iteration; continuing", e);
            }
        }
    }

    /** Runs the queued commands on the calling thread: for tests that drive an unstarted loop themselves. */
    void runPending() {
        runCommands();
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

    private void sendArrived(long now) {
        synchronized (arrivedLock) {
            if (arrived.isEmpty()) {
                return;
            }
            ArrayList<CallMedia> swap = sending;
            sending = arrived;
            arrived = swap;
        }
        for (int i = 0; i < sending.size(); i++) {
            CallMedia media = sending.get(i);
            media.send(now);
            long wake = media.sendWake(now);
            if (wake - nextSend < 0) {
                nextSend = wake; // waiting for its slot now, which may come before any other call's
            }
        }
        sending.clear();
    }

    /** Sends every call's packet whose slot has come; returns the earliest slot still to come. */
    private long sendDue(long now) {
        long earliest = now + TICK_NANOS;
        for (int i = 0; i < calls.size(); i++) {
            CallMedia media = calls.get(i);
            long wake = media.sendWake(now);
            if (now - wake >= 0) {
                media.send(now);
                wake = media.sendWake(now);
            }
            if (wake - earliest < 0) {
                earliest = wake;
            }
        }
        return earliest;
    }

    private void tick(long now) {
        for (int i = 0; i < calls.size(); i++) {
            calls.get(i).tick(now);
        }
    }

    private void runAfterWake() {
        for (int i = 0; i < afterWake.size(); i++) {
            try {
                afterWake.get(i).run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "an after-wake task of media loop " + name + " failed", e);
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
            media.onPacket(source, receiveBytes, receiveBuffer.position(), clock.nanos());
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            Thread t = thread;
            if (t != null) {
                t.join(TimeUnit.SECONDS.toMillis(2));
            }
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
