package dev.patchbay.media.jitter;

import java.util.Arrays;

/**
 * An adaptive jitter buffer for one stream at 8 or 16 kHz, indexed by RTP timestamp rather than by
 * packet, played out on arrival. All of it runs at the stream's own rate: a 16 kHz stream is never
 * narrowed, and G.722's RTP clock of 8000 (RFC 3551) is scaled to its 16 kHz samples here.
 *
 * <p>Each packet's samples are written at their timestamp's place in a ring, so reordering and
 * duplicates need no bookkeeping and any ptime works. A 20 ms frame leaves ({@link #next}) as soon as
 * all of it has arrived, so audio in order is never held; a frame with a gap leaves, concealed, once
 * it is overdue: later than the fastest recent packet by the delay target plus 10 ms. The target
 * follows the 95th percentile of the measured delay variation plus one packet, starts at 20 ms, and
 * never exceeds the configured cap. The sender's clock drives the playout, so there is no drift to
 * correct. This is what a gateway between a caller and a bot wants: the bot hears each word as soon
 * as it exists. Missing audio is concealed by repeating the last frame at falling volume, then silence.
 *
 * <p>Arrival times are arguments, never read from a clock, so tests replay traces exactly. One
 * thread owns an instance; nothing allocates after construction.
 */
public final class JitterBuffer {

    /** Samples in 20 ms at 8 kHz. */
    public static final int FRAME = 160;
    private static final int CONCEAL_FRAMES = 5;      // after 100 ms of loss, play silence
    private static final long MIN_HOLD_NANOS = 5_000_000; // a gap seen in a burst gets 5 ms to fill

    /** What {@link #next} produced; {@code WAIT}: nothing is due yet. */
    public enum Pull { AUDIO, PARTIAL, CONCEALED, SILENCE, WAIT }

    /**
     * A codec's own loss concealment (Opus PLC), asked first for a frame of which nothing arrived;
     * when it declines, the last frame is repeated at falling volume.
     */
    public interface Concealer {
        /**
         * Writes the frame at {@code position} (on this buffer's sample timeline, as put) into
         * {@code out}; false to decline, leaving {@code out} to the buffer.
         */
        boolean conceal(long position, short[] out);
    }

    private final int frame;                   // samples in 20 ms
    private final int perMs;                   // samples per millisecond
    private final int ticksToSamples;          // samples per RTP timestamp tick: 2 for G.722, else 1
    private final int startTarget;             // 20 ms until measurements exist
    private final int overdueMargin;           // 10 ms beyond the target before concealing
    private final long jump;                   // 1 s away from the stream: a new timeline, not a burst
    private final int maxTarget;
    private final int mask;
    private final short[] ring;
    private final boolean[] filled;            // slot holds a sample for a position at or after playHead
    private final short[] last;
    private final DelayWindow delays;
    private Concealer concealer;

    private boolean started;
    private long highest;                      // extended timestamp just after the newest sample received
    private long playHead;                     // extended timestamp of the next sample to play
    private long lastPacketTs;                 // where the newest packet began: packets' alignment
    private long waitingFor = -1;              // the play head next() last found incomplete
    private long waitingSince;                 //   and since when
    private int target;
    private int packetSamples;
    private int lossRun;

    private long received;
    private long duplicates;
    private long late;
    private long concealed;
    private long resyncs;
    private long dropped;

    /**
     * A buffer for an 8 kHz stream with an 8000 Hz RTP clock, played out on arrival: {@link #next}
     * after every packet and every 20 ms.
     *
     * @param maxTargetMs the cap on how long a gap is waited for
     */
    public JitterBuffer(int maxTargetMs) {
        this(maxTargetMs, 8000, 8000);
    }

    /**
     * A buffer for a stream sampled at {@code sampleRate} (8000 or 16000) whose RTP clock runs at
     * {@code clockRate}, which divides it; frames of 20 ms at the sample rate leave {@link #next}.
     */
    public JitterBuffer(int maxTargetMs, int sampleRate, int clockRate) {
        if (sampleRate % clockRate != 0 || sampleRate % 1000 != 0) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " is not a whole multiple of RTP clock " + clockRate);
        }
        this.perMs = sampleRate / 1000;
        this.frame = 20 * perMs;
        this.ticksToSamples = sampleRate / clockRate;
        this.startTarget = frame;
        this.overdueMargin = 10 * perMs;
        this.jump = sampleRate;
        this.target = startTarget;
        this.packetSamples = frame;
        this.last = new short[frame];
        this.delays = new DelayWindow(sampleRate);
        this.maxTarget = Math.max(startTarget, maxTargetMs * perMs);
        int capacity = Integer.highestOneBit(Math.max(2048 * (sampleRate / 8000), 2 * maxTarget + 4 * frame) - 1) << 1;
        this.ring = new short[capacity];
        this.filled = new boolean[capacity];
        this.mask = capacity - 1;
    }

    /**
     * Stores one packet's samples.
     *
     * @param rtpTimestamp the packet's 32-bit RTP timestamp
     * @param pcm          its decoded samples
     * @param arrivalNanos when it arrived, on any monotonic clock
     */
    public void put(long rtpTimestamp, short[] pcm, int off, int samples, long arrivalNanos) {
        put(rtpTimestamp, pcm, off, samples, arrivalNanos, true);
    }

    /**
     * Stores samples a codec made for a gap (Opus FEC or PLC) when the packet after it arrived. They
     * arrive no packet of their own, so they neither count as received nor move the delay target;
     * too late to play, they are dropped without counting as late.
     */
    public void fill(long rtpTimestamp, short[] pcm, int off, int samples, long nowNanos) {
        put(rtpTimestamp, pcm, off, samples, nowNanos, false);
    }

    /** Sets the codec's concealment, tried before repeating the last frame; null for none. */
    public void concealer(Concealer c) {
        concealer = c;
    }

    private void put(long rtpTimestamp, short[] pcm, int off, int samples, long arrivalNanos, boolean packet) {
        long ts = extend(rtpTimestamp) * ticksToSamples;
        if (!packet && (!started || ts + samples <= playHead || ts - highest > jump)) {
            return;
        }
        received += packet ? 1 : 0;
        if (!started) {
            started = true;
            highest = ts;
            playHead = ts;
        }
        if (ts - highest > jump || playHead - ts > jump) {
            resync(ts); // a timestamp jump either way, or a stream restart: start over from here
        } else if (ts >= highest && playHead - ts > frame) {
            // Newer than anything received yet behind the play head: the sender paused without
            // advancing its timestamps while we concealed on our clock. Its timeline is the truth.
            resync(ts);
        } else if (ts + samples - playHead > ring.length - frame) {
            skip((int) (ts + samples - playHead - (ring.length - frame))); // a burst beyond the ring: oldest goes
        }
        // Measured even when too late to play: late packets are the evidence that the target is too small.
        if (packet) {
            measure(ts, samples, arrivalNanos);
        }
        if (ts + samples <= playHead) {
            late++;
            return;
        }
        // Samples before the play head are too late; the rest go in as one or two runs of the ring.
        int skipped = (int) Math.max(0, playHead - ts);
        int n = samples - skipped;
        int slot = (int) ((ts + skipped) & mask);
        int first = Math.min(n, ring.length - slot);
        boolean duplicate = store(slot, pcm, off + skipped, first);
        duplicate &= store(0, pcm, off + skipped + first, n - first);
        if (duplicate) {
            duplicates++;
        }
        highest = Math.max(highest, ts + samples);
    }

    /**
     * The next 20 ms into {@code out} if all of it has arrived, or concealed once it is
     * overdue; otherwise {@link Pull#WAIT} and {@code out} untouched. Call after every packet and on
     * a 20 ms clock, repeating while it returns something other than WAIT.
     */
    public Pull next(short[] out, long nowNanos) {
        if (!started) {
            return Pull.WAIT;
        }
        boolean complete = complete();
        if (!complete) {
            if (waitingFor != playHead) {
                waitingFor = playHead;
                waitingSince = nowNanos;
            }
            // Overdue by the timing, and not just found missing: packets sent in a burst (after a
            // stall upstream) make a reordered one look late by the timing for a moment.
            if (delays.samplesAt(nowNanos) < overdueAt() || nowNanos - waitingSince < MIN_HOLD_NANOS) {
                return Pull.WAIT;
            }
        }
        int got = takeAtPlayHead(out);
        if (got == 0) {
            return conceal(out);
        }
        lossRun = 0;
        System.arraycopy(out, 0, last, 0, frame);
        return complete ? Pull.AUDIO : Pull.PARTIAL;
    }

    /** Whether every sample of the frame at the play head has arrived. */
    private boolean complete() {
        int slot = (int) (playHead & mask);
        int first = Math.min(frame, ring.length - slot);
        return allFilled(slot, first) && allFilled(0, frame - first);
    }

    private boolean allFilled(int slot, int n) {
        for (int j = 0; j < n; j++) {
            if (!filled[slot + j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * When, on the samples clock, the frame at the play head is given up on: the packet holding its
     * last sample, at the fastest recent transit, plus the delay target's spread and a margin.
     */
    private long overdueAt() {
        long lastSample = playHead + frame - 1;
        long lastPacketStart = lastSample - Math.floorMod(lastSample - lastPacketTs, packetSamples);
        long base = delays.measured() ? delays.base() : 0;
        return lastPacketStart + base + Math.max(0, target - packetSamples) + overdueMargin;
    }

    /** Moves the frame at the play head out of the ring, in one or two runs; returns the samples that had arrived. */
    private int takeAtPlayHead(short[] out) {
        int slot = (int) (playHead & mask);
        int first = Math.min(frame, ring.length - slot);
        int got = take(slot, out, 0, first);
        got += take(0, out, first, frame - first);
        playHead += frame;
        return got;
    }

    /** Writes {@code n} samples into ring slots {@code slot..}; true if every slot already held one. */
    private boolean store(int slot, short[] pcm, int from, int n) {
        boolean duplicate = true;
        for (int j = 0; j < n; j++) {
            duplicate &= filled[slot + j];
        }
        System.arraycopy(pcm, from, ring, slot, n);
        Arrays.fill(filled, slot, slot + n, true);
        return duplicate;
    }

    /** Moves {@code n} samples from ring slots {@code slot..} to {@code out[at..]}, silence where none arrived. */
    private int take(int slot, short[] out, int at, int n) {
        int got = 0;
        for (int j = 0; j < n; j++) {
            boolean f = filled[slot + j];
            out[at + j] = f ? ring[slot + j] : 0;
            got += f ? 1 : 0;
        }
        Arrays.fill(filled, slot, slot + n, false);
        return got;
    }

    private void skip(int samples) {
        for (int i = 0; i < samples; i++) {
            filled[(int) (playHead & mask)] = false;
            playHead++;
        }
        dropped += samples;
    }

    private Pull conceal(short[] out) {
        concealed++;
        if (++lossRun > CONCEAL_FRAMES) {
            return Pull.SILENCE;
        }
        if (concealer != null && concealer.conceal(playHead - frame, out)) {
            return Pull.CONCEALED;
        }
        // Repeat the last good frame, halving its level each time, so a lost packet is not a click.
        int shift = lossRun;
        for (int i = 0; i < frame; i++) {
            out[i] = (short) (last[i] >> shift);
        }
        return Pull.CONCEALED;
    }

    /** Target = 95th percentile of delay above the window's fastest packet, plus one packet. */
    private void measure(long ts, int samples, long arrivalNanos) {
        packetSamples = samples;
        lastPacketTs = ts;
        if (delays.add(ts, arrivalNanos)) {
            long wanted = delays.spread() + packetSamples;
            target = (int) Math.min(maxTarget, Math.max(Math.max(frame, packetSamples), wanted));
        }
    }

    private void resync(long ts) {
        resyncs++;
        Arrays.fill(filled, false);
        playHead = ts;
        highest = ts;
        delays.reset();
    }

    /** RTP timestamps wrap at 2^32; keep a 64-bit count of ticks that does not. */
    private long extend(long rtpTimestamp) {
        if (!started) {
            return rtpTimestamp & 0xFFFF_FFFFL;
        }
        long reference = highest / ticksToSamples;
        long candidate = (reference & ~0xFFFF_FFFFL) | (rtpTimestamp & 0xFFFF_FFFFL);
        if (candidate - reference > (1L << 31)) {
            candidate -= 1L << 32;
        } else if (reference - candidate > (1L << 31)) {
            candidate += 1L << 32;
        }
        return candidate;
    }

    /** Forgets the stream, e.g. when the sender's SSRC changes. */
    public void reset() {
        started = false;
        delays.reset();
        lossRun = 0;
        target = startTarget;
        Arrays.fill(filled, false);
    }

    /** Samples in each 20 ms frame {@link #next} hands out. */
    public int frameSamples() {
        return frame;
    }

    /** The current playout delay target, in milliseconds. */
    public int targetMs() {
        return target / perMs;
    }

    /** Audio held beyond the play head, in milliseconds. */
    public int bufferedMs() {
        return started ? (int) Math.max(0, (highest - playHead) / perMs) : 0;
    }

    public long received() { return received; }

    public long duplicates() { return duplicates; }

    public long late() { return late; }

    public long concealed() { return concealed; }

    public long resyncs() { return resyncs; }

    /** Samples dropped because a burst did not fit the ring. */
    public long droppedSamples() { return dropped; }

}
