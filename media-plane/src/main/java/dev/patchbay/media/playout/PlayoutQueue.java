package dev.patchbay.media.playout;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bot audio waiting to be played to the caller: fixed-size frames in a preallocated ring, filled
 * by the bot's stream and the Play RPC and drained by the call's media loop. The producers take
 * the queue's monitor (uncontended but for a Play arriving mid-stream); the consumer takes no lock.
 *
 * <p>When the ring is full the producer drops the oldest frame, so the caller hears the most recent
 * audio and the bot's lag stays bounded. Marks and clears are positions in the frame sequence, so a
 * mark is reported exactly when the audio queued before it has been taken for sending.
 */
public final class PlayoutQueue {

    /** A mark is due once {@code head >= position}. */
    private record PendingMark(long position, String name) {
    }

    /** Receives marks as they become due; called on the consumer thread. */
    public interface MarkListener {
        void markPlayed(String name, boolean cleared);
    }

    private final byte[][] slots;
    private final int frameBytes;
    private final int maxPendingMarks;
    private final AtomicLong head = new AtomicLong();
    private volatile long tail;
    private volatile long clearTarget;
    private final ConcurrentLinkedQueue<PendingMark> marks = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingMarks = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private long appliedClear; // consumer-owned
    private volatile Runnable onAudio;

    public PlayoutQueue(int capacityFrames, int frameBytes, int maxPendingMarks) {
        this.slots = new byte[capacityFrames][frameBytes];
        this.frameBytes = frameBytes;
        this.maxPendingMarks = maxPendingMarks;
    }

    /**
     * Runs {@code wake} on the producer's thread whenever a frame lands in an empty queue, so the
     * consumer can send it at once rather than at its next tick.
     */
    public void onAudio(Runnable wake) {
        this.onAudio = wake;
    }

    // ---- producer side -------------------------------------------------------------------------

    /** Queues one frame of exactly {@code frameBytes} bytes, dropping the oldest if full. */
    public synchronized void offer(byte[] src, int off) {
        long t = tail;
        long h = head.get();
        boolean wasEmpty = t <= h;
        while (t - h >= slots.length) {
            if (head.compareAndSet(h, h + 1)) {
                overflowed.incrementAndGet();
                break;
            }
            h = head.get();
        }
        System.arraycopy(src, off, slots[(int) (t % slots.length)], 0, frameBytes);
        tail = t + 1;
        Runnable wake = onAudio;
        if (wasEmpty && wake != null) {
            wake.run();
        }
    }

    /**
     * Queues a mark behind the audio offered so far.
     *
     * @return false when too many marks are pending; the caller should fail the stream
     */
    public synchronized boolean mark(String name) {
        if (pendingMarks.incrementAndGet() > maxPendingMarks) {
            pendingMarks.decrementAndGet();
            return false;
        }
        marks.add(new PendingMark(tail, name));
        return true;
    }

    /** Drops everything offered so far; pending marks are reported as cleared. */
    public synchronized void clear() {
        clearTarget = tail;
    }

    // ---- consumer side -------------------------------------------------------------------------

    /**
     * Applies a pending clear: skips the cleared frames and reports the marks behind them as
     * cleared. Call before every {@link #poll}.
     */
    public void applyClear(MarkListener listener) {
        long c = clearTarget;
        if (c <= appliedClear) {
            return;
        }
        appliedClear = c;
        long h = head.get();
        while (c > h && !head.compareAndSet(h, c)) {
            h = head.get();
        }
        report(c, true, listener);
    }

    /**
     * Copies the next frame into {@code dst}.
     *
     * @return false when nothing is queued
     */
    public boolean poll(byte[] dst, int off) {
        while (true) {
            long h = head.get();
            if (h >= tail) {
                return false;
            }
            System.arraycopy(slots[(int) (h % slots.length)], 0, dst, off, frameBytes);
            // A failed CAS means the producer dropped this frame meanwhile and may be overwriting it.
            if (head.compareAndSet(h, h + 1)) {
                return true;
            }
        }
    }

    /**
     * Drops up to {@code frames} of the oldest queued frames without playing them, keeping at least
     * {@code keep}; their marks become due as if played. Consumer side.
     *
     * @return how many frames were dropped
     */
    public int skip(int frames, int keep) {
        while (true) {
            long h = head.get();
            long n = Math.min(frames, tail - h - keep);
            if (n <= 0) {
                return 0;
            }
            if (head.compareAndSet(h, h + n)) {
                return (int) n;
            }
        }
    }

    /** Frames offered since the queue was made; the producer's running count. */
    public long offeredFrames() {
        return tail;
    }

    /** Reports every mark whose audio has been taken by {@link #poll}. */
    public void reportDueMarks(MarkListener listener) {
        report(head.get(), false, listener);
    }

    private void report(long upTo, boolean cleared, MarkListener listener) {
        PendingMark m;
        while ((m = marks.peek()) != null && m.position() <= upTo) {
            marks.poll();
            pendingMarks.decrementAndGet();
            listener.markPlayed(m.name(), cleared);
        }
    }

    public int capacityFrames() {
        return slots.length;
    }

    public int frameBytes() {
        return frameBytes;
    }

    public long overflowed() {
        return overflowed.get();
    }

    public long queuedFrames() {
        return Math.max(0, tail - head.get());
    }
}
