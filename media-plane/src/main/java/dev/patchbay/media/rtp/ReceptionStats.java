package dev.patchbay.media.rtp;

/**
 * RFC 3550 receiver statistics of the caller's stream: extended highest sequence number, expected
 * and lost packets (appendix A.1 and A.3) and interarrival jitter (A.8). Owned by the call's media
 * loop; nothing is allocated per packet.
 *
 * <p>Jitter uses A.8's integer form, scaled by 16, so results are exact and repeatable. The first
 * packet of each SSRC only sets the reference transit time: A.8 starts from transit 0, which would
 * count the whole clock offset as jitter. Only voice packets feed jitter; RFC 4733 events keep one
 * timestamp for a whole key press and would read as jitter. All packets count for loss.
 */
public final class ReceptionStats {

    /** A jump this far ahead, or further behind than {@link #MAX_MISORDER}, is a restart (A.1). */
    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;

    private final long nanosPerUnit;
    private long ssrc = -1;
    private int baseSeq;
    private int maxSeq;
    private long cycles;
    private int badSeq = -1;
    private long received;
    // totals of earlier SSRCs, so a new source does not erase what was lost before it
    private long priorExpected;
    private long priorReceived;

    private boolean haveTransit;
    private int transit;
    private long jitter; // timestamp units x 16
    private long firstArrivalNanos;

    /** @param clockRate the RTP clock of the voice codec, 8000 for G.711 */
    public ReceptionStats(int clockRate) {
        this.nanosPerUnit = 1_000_000_000L / clockRate;
    }

    /**
     * Counts one valid packet from the latched source.
     *
     * @param voice       true for the voice codec; false for telephone-event and the like
     * @param arrivalNanos the arrival time on a monotonic clock
     */
    public void packet(long packetSsrc, int seq, long timestamp, boolean voice, long arrivalNanos) {
        if (packetSsrc != ssrc) {
            if (ssrc >= 0) {
                priorExpected += expectedThisSource();
                priorReceived += received;
            }
            ssrc = packetSsrc;
            start(seq);
            haveTransit = false;
            firstArrivalNanos = arrivalNanos;
        } else if (!updateSeq(seq)) {
            return;
        }
        received++;
        if (voice) {
            jitter(timestamp, arrivalNanos);
        }
    }

    private void start(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        cycles = 0;
        badSeq = -1;
        received = 0;
    }

    /** A.1 update_seq without probation (the source is already latched); false drops the packet. */
    private boolean updateSeq(int seq) {
        int delta = (seq - maxSeq) & 0xFFFF;
        if (delta < MAX_DROPOUT) {
            if (seq < maxSeq) {
                cycles += SEQ_MOD; // wrapped
            }
            maxSeq = seq;
        } else if (delta <= SEQ_MOD - MAX_MISORDER) {
            // A big jump: believe it only when the next packet continues from it (the sender restarted).
            if (seq == badSeq) {
                priorExpected += expectedThisSource();
                priorReceived += received;
                start(seq);
                haveTransit = false;
            } else {
                badSeq = (seq + 1) & 0xFFFF;
                return false;
            }
        }
        // else: a duplicate or a reordered packet; counted as received, as A.3 expects
        return true;
    }

    private void jitter(long timestamp, long arrivalNanos) {
        // Arrival in timestamp units; 32-bit wrap-around arithmetic, like the RFC's C.
        int arrival = (int) ((arrivalNanos - firstArrivalNanos) / nanosPerUnit);
        int t = arrival - (int) timestamp;
        if (haveTransit) {
            int d = Math.abs(t - transit);
            jitter += d - ((jitter + 8) >> 4);
        }
        transit = t;
        haveTransit = true;
    }

    private long expectedThisSource() {
        return ssrc < 0 ? 0 : cycles + maxSeq - baseSeq + 1;
    }

    public long expected() {
        return priorExpected + expectedThisSource();
    }

    /** Expected minus received; negative when duplicates outnumber losses (A.3). */
    public long lost() {
        return expected() - priorReceived - received;
    }

    /** Interarrival jitter in timestamp units, scaled by 16 as in A.8. */
    public long jitterScaled() {
        return jitter;
    }

    /** Interarrival jitter in milliseconds. */
    public double jitterMs() {
        return jitter * (nanosPerUnit / 1e6) / 16.0;
    }
}
