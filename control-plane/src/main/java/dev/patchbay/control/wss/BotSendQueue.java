package dev.patchbay.control.wss;

import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import dev.patchbay.proto.media.v1.CallerToBot;

/**
 * Everything on its way to the bot, sent one message at a time because the JDK WebSocket allows only one
 * outstanding send. Producers (the Audio stream, the bot's clears, the call's end) only append and call
 * {@link #drain()}; whichever thread wins the work counter encodes and sends, so there is one sender at a
 * time and no lock. What the mux's thread appends (caller frames, digits, marks) is sent on the
 * {@code sender} executor instead: that thread is the node's gRPC event loop, which also carries every
 * bridge's bot audio to the node, and encoding and writing 200 calls' frames on it held those batches
 * back. Each message is encoded only when the socket is ready for it, into the bridge's one
 * reused {@link OutFrame}. A caller frame waits in a {@link CallerAudio} the queue reuses, since the mux
 * reuses the array it arrived in. When the bot reads too slowly, the oldest caller frames are dropped and
 * counted; digits, marks and control messages never are.
 */
final class BotSendQueue {

    private static final Logger LOG = Logger.getLogger(BotSendQueue.class.getName());

    /** What the bridge needs to hear from the sender. */
    interface Events {
        /** The stop message has gone (or there is none): close the socket. */
        void stopped(WebSocket ws);

        void failed(WebSocket ws, Throwable error);
    }

    private enum Control { CLEARED, STOP }

    /** A Patchbay message to the bot in its final JSON form, e.g. the error for a refused INFO. */
    private record Notice(String json) { }

    /** A caller frame waiting for the socket; reused once sent or dropped. */
    private static final class CallerAudio {
        private byte[] bytes = new byte[640]; // 20 ms of L16 at 16 kHz
        private int length;
        private int sequence;

        CallerAudio set(byte[] from, int offset, int length, int sequence) {
            if (bytes.length < length) {
                bytes = new byte[length];
            }
            System.arraycopy(from, offset, bytes, 0, length);
            this.length = length;
            this.sequence = sequence;
            return this;
        }
    }

    private final String callId;
    private final Dialect dialect;
    private final AtomicReference<Phase> phase;
    private final Events events;
    private final OutFrame out = new OutFrame();
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedAudio = new AtomicInteger();
    /** Frames sent or dropped, for the next ones; guarded by itself (the mux's thread takes, the sender gives back). */
    private final ArrayDeque<CallerAudio> spare = new ArrayDeque<>();
    private final AtomicInteger work = new AtomicInteger();
    private final Executor sender;
    /** Caller frames held for a slow bot ({@code patchbay.control.bridge.bot-queue-frames}); the oldest go beyond. */
    private final int maxQueuedAudio;
    private final Runnable drainTask = this::drainWon;
    /** The socket with a send outstanding, or null when the next message may go. */
    private final AtomicReference<WebSocket> inFlight = new AtomicReference<>();
    /** The next opening message to send, or -1 once they have gone; reset on every (re)connect. */
    private volatile int openingStep = -1;
    private boolean stopping;
    private volatile long dropped;

    /**
     * @param sender         where the mux thread's frames are encoded and sent
     * @param maxQueuedAudio caller frames held for a bot that reads slowly; beyond it the oldest are dropped
     */
    BotSendQueue(String callId, Dialect dialect, AtomicReference<Phase> phase, Events events, Executor sender,
                 int maxQueuedAudio) {
        this.maxQueuedAudio = maxQueuedAudio;
        this.callId = callId;
        this.dialect = dialect;
        this.phase = phase;
        this.events = events;
        this.sender = sender;
    }

    /** Sends on the producer's thread: for tests of the queue itself. */
    BotSendQueue(String callId, Dialect dialect, AtomicReference<Phase> phase, Events events, int maxQueuedAudio) {
        this(callId, dialect, phase, events, Runnable::run, maxQueuedAudio);
    }

    /** A new socket: start with the opening messages; a send still pending on a dead socket no longer counts. */
    void opened() {
        openingStep = 0;
        inFlight.set(null);
    }

    /** A caller frame: the {@code length} bytes from {@code offset}, copied, so the array may be reused at once. */
    void audio(byte[] bytes, int offset, int length, int sequence) {
        CallerAudio frame;
        synchronized (spare) {
            frame = spare.poll();
        }
        queuedAudio.incrementAndGet();
        queue.add((frame == null ? new CallerAudio() : frame).set(bytes, offset, length, sequence));
        drainOnSender();
    }

    /** A digit or played mark; a frame given this way is copied out of its message. */
    void caller(CallerToBot message) {
        if (message.hasAudio()) {
            byte[] payload = message.getAudio().getPayload().toByteArray();
            audio(payload, 0, payload.length, message.getAudio().getSequence());
            return;
        }
        queue.add(message);
        drainOnSender();
    }

    private void reuse(CallerAudio frame) {
        synchronized (spare) {
            if (spare.size() <= maxQueuedAudio) {
                spare.push(frame);
            }
        }
    }

    void cleared() {
        queue.add(Control.CLEARED);
        drain();
    }

    /** Queues a JSON text frame of Patchbay's own (not a dialect encoding), sent in order with the rest. */
    void notice(String json) {
        queue.add(new Notice(json));
        drain();
    }

    void stop() {
        queue.add(Control.STOP);
        drain();
    }

    long dropped() {
        return dropped;
    }

    /** Called once the bridge has ended: empties the queue. */
    void discard() {
        drain();
    }

    void drain() {
        if (work.getAndIncrement() == 0) {
            drainWon();
        }
    }

    /** As {@link #drain()}, but the work, if this call wins it, runs on the sender executor. */
    private void drainOnSender() {
        if (work.getAndIncrement() == 0) {
            sender.execute(drainTask);
        }
    }

    /** Runs by whoever took the work counter from 0: sends until no producer came meanwhile. */
    private void drainWon() {
        int missed = 1;
        do {
            pump();
            missed = work.addAndGet(-missed);
        } while (missed != 0);
    }

    private void pump() {
        trim(); // also while a send is stuck, so a stalled bot never grows the queue past the limit
        while (inFlight.get() == null) {
            Phase p = phase.get();
            if (p instanceof Phase.Ended) {
                queue.clear(); // frames are not reused: the bridge is over
                queuedAudio.set(0);
                return;
            }
            trim();
            WebSocket ws = switch (p) {
                case Phase.Open open -> open.socket();
                case Phase.Closing closing -> closing.socket();
                default -> null; // connecting or reconnecting: keep the newest audio for later
            };
            if (ws == null || !next(ws)) {
                return;
            }
        }
    }

    /** Sends or skips the next message; false when there is nothing to do now. */
    private boolean next(WebSocket ws) {
        if (stopping) {
            stopping = false;
            events.stopped(ws);
            return false;
        }
        int step = openingStep;
        if (step >= 0) {
            openingStep = step + 1;
            if (dialect.opening(step, out)) {
                return send(ws);
            }
            openingStep = -1;
        }
        Object item = queue.poll();
        if (item == null) {
            return false;
        }
        boolean encoded;
        if (item instanceof CallerAudio frame) {
            queuedAudio.decrementAndGet();
            encoded = dialect.audio(frame.bytes, frame.length, frame.sequence, out);
            reuse(frame);
        } else if (item instanceof CallerToBot message) {
            encoded = dialect.caller(message, out);
        } else if (item instanceof Notice n) {
            out.text().append(n.json());
            encoded = true;
        } else if (item == Control.CLEARED) {
            encoded = dialect.cleared(out);
        } else {
            stopping = true;
            encoded = dialect.stop(out);
        }
        return !encoded || send(ws);
    }

    private boolean send(WebSocket ws) {
        inFlight.set(ws);
        CompletableFuture<WebSocket> sent;
        try {
            sent = out.isBinary() ? ws.sendBinary(out.binaryFrame(), true) : ws.sendText(out.textFrame(), true);
        } catch (IllegalStateException | IllegalArgumentException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((w, error) -> {
            boolean current = inFlight.compareAndSet(ws, null);
            if (error != null && current) {
                events.failed(ws, error);
            }
            drain();
        });
        return true;
    }

    /**
     * Drops the oldest caller frames beyond the limit. Only the sender removes, so this races with nothing.
     * The head is nearly always audio and is taken with no iterator: an iterator per dropped frame is 32 B
     * that only escape analysis removes, and whether it does depends on what the JIT inlined (CI saw 56 B).
     */
    private void trim() {
        while (queuedAudio.get() > maxQueuedAudio) {
            if (queue.peek() instanceof CallerAudio) {
                reuse((CallerAudio) queue.poll());
            } else {
                dropOldestBehindHead();
            }
            queuedAudio.decrementAndGet();
            if (dropped++ == 0) {
                LOG.warning(() -> "call " + callId + ": the bot reads too slowly; dropping the oldest caller audio (counted, logged once)");
            }
        }
    }

    /** A digit, mark or notice heads the queue: keep it, and drop the oldest frame behind it. */
    private void dropOldestBehindHead() {
        Iterator<Object> it = queue.iterator();
        while (it.hasNext()) {
            if (it.next() instanceof CallerAudio frame) {
                it.remove();
                reuse(frame);
                return;
            }
        }
    }
}
