package dev.patchbay.media.jitter;

import java.util.Arrays;

/**
 * The recent transit delays of one stream (arrival time minus RTP timestamp, in samples), from which
 * the jitter buffer takes its delay target and, in arrival mode, when a missing frame is overdue.
 * Only differences between delays mean anything: the two clocks have unrelated origins.
 * One thread owns an instance; nothing allocates after construction.
 */
final class DelayWindow {

    private static final int WINDOW = 64;             // packets of delay history
    private static final int RETARGET_EVERY = 16;     // packets between target updates

    private final long[] delays = new long[WINDOW];
    private final long[] sorted = new long[WINDOW];
    private int count;
    private int sinceRetarget;
    private long spread;
    private long base = Long.MAX_VALUE;
    private final long nanosPerSample;

    DelayWindow(int sampleRate) {
        this.nanosPerSample = 1_000_000_000L / sampleRate;
    }

    /** Now, on the samples clock the delays use. */
    long samplesAt(long nanos) {
        return nanos / nanosPerSample;
    }

    /**
     * Records one packet's delay.
     *
     * @return true when the statistics were just recomputed
     */
    boolean add(long timestamp, long arrivalNanos) {
        long delay = samplesAt(arrivalNanos) - timestamp;
        delays[count % WINDOW] = delay;
        count++;
        if (count <= RETARGET_EVERY) {
            base = Math.min(base, delay); // until the first full statistics, the fastest so far
        }
        if (++sinceRetarget >= RETARGET_EVERY && count >= RETARGET_EVERY) {
            sinceRetarget = 0;
            int n = Math.min(count, WINDOW);
            System.arraycopy(delays, 0, sorted, 0, n);
            Arrays.sort(sorted, 0, n);
            base = sorted[0];
            spread = sorted[(int) Math.ceil(0.95 * n) - 1] - sorted[0];
            return true;
        }
        return false;
    }

    /** The 95th percentile of delay above the window's fastest packet, in samples. */
    long spread() {
        return spread;
    }

    /** The fastest packet's delay in the window: the transit time with no queueing, in samples. */
    long base() {
        return base;
    }

    boolean measured() {
        return count > 0;
    }

    void reset() {
        count = 0;
        sinceRetarget = 0;
        spread = 0;
        base = Long.MAX_VALUE;
    }
}
