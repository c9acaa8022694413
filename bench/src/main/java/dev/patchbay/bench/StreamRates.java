package dev.patchbay.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * WSS continuity as the bot sees it: for every bot stream, the caller frames that reached it during the
 * measured window. A stream's rate is its frames' audio time (20 ms each) over the time between its first
 * and last frame in the window, so 1.00 is real time whatever part of the window the stream lived; a gap
 * is a pause of 60 ms or more between frames (two missing), a burst a frame within 5 ms of the one before.
 * The target is every stream within 1 ± 0.05.
 */
final class StreamRates {

    private static final long FRAME_NANOS = 20_000_000L;
    private static final long GAP_NANOS = 60_000_000L;
    private static final long BURST_NANOS = 5_000_000L;

    /** One bot stream; its socket's listener calls {@link #frame} one message at a time. */
    static final class Stream {
        private final StreamRates owner;
        private long epoch = -1;
        private long frames;
        private long first;
        private long last;
        private long gaps;
        private long bursts;

        private Stream(StreamRates owner) {
            this.owner = owner;
        }

        void frame(long nanos) {
            synchronized (this) {
                long e = owner.epoch;
                if (e < 0) {
                    return;
                }
                if (e != epoch) {
                    epoch = e;
                    frames = 0;
                    gaps = 0;
                    bursts = 0;
                    first = nanos;
                } else if (nanos - last >= GAP_NANOS) {
                    gaps++;
                } else if (nanos - last < BURST_NANOS) {
                    bursts++;
                }
                frames++;
                last = nanos;
            }
        }
    }

    /** The window's streams: rates sorted, streams within ±5 %, gaps and bursts per stream. */
    record Summary(double[] rates, int within, long gaps, long bursts) {
        String row() {
            int n = rates.length;
            return n == 0 ? "no bot stream had caller frames in the window" : String.format(Locale.ROOT,
                    "%d streams: %d within ±5%% of real time; rate min %.3f, p5 %.3f, median %.3f, p95 %.3f, max %.3f; "
                            + "gaps (≥ 60 ms) %.2f, bursts (< 5 ms apart) %.1f per stream",
                    n, within, rates[0], rates[(int) (0.05 * (n - 1))], rates[n / 2], rates[(int) (0.95 * (n - 1))], rates[n - 1],
                    (double) gaps / n, (double) bursts / n);
        }
    }

    private final Queue<Stream> streams = new ConcurrentLinkedQueue<>();
    private volatile long epoch = -1;

    Stream open() {
        Stream s = new Stream(this);
        streams.add(s);
        return s;
    }

    /** Starts a window: frames count from now. */
    void begin() {
        epoch = epoch < 0 ? 1 : epoch + 1;
    }

    /** Ends the window; streams that saw fewer than 10 frames in it are left out. */
    Summary end() {
        long e = epoch;
        epoch = -1;
        double[] rates = new double[streams.size()];
        int n = 0;
        int within = 0;
        long gaps = 0;
        long bursts = 0;
        for (Stream s : streams) {
            synchronized (s) {
                if (s.epoch != e || s.frames < 10) {
                    continue;
                }
                double rate = (double) (s.frames - 1) * FRAME_NANOS / (s.last - s.first);
                rates[n++] = rate;
                within += Math.abs(rate - 1) <= 0.05 ? 1 : 0;
                gaps += s.gaps;
                bursts += s.bursts;
            }
        }
        streams.removeIf(s -> s.epoch != e);
        double[] sorted = Arrays.copyOf(rates, n);
        Arrays.sort(sorted);
        return new Summary(sorted, within, gaps, bursts);
    }
}
