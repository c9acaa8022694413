package dev.patchbay.bench;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sends one PCMU packet per call every ptime (20 ms, or 30 ms as many carriers send) from its own
 * thread, and matches the echoes that come back on the calling thread. Each packet carries a tag in
 * its payload, so an echo is matched to its send time even after a jitter buffer has re-timed it.
 *
 * <p>The tag: each 10 ms part of the packet starts with the sequence number in base 127 (0x7F never
 * appears, as mu-law would not keep it) and the part's number. A jitter buffer may shift the stream
 * (after a stall, or to follow clock drift), and Patchbay echoes 20 ms frames whatever the ptime, so
 * an echo can start at any part. The tag wraps after 127 * 127 packets (5 min 22 s at 20 ms): one
 * measurement must be shorter.
 *
 * <p>Every packet that comes back in a window is counted too, echo or silence: a target that sends
 * more than one 20 ms packet per 20 ms per call sends faster than real time.
 *
 * <p>Loss is counted per packet: a window is a run of whole bursts, and an echo counts if it is of a
 * packet of those bursts and comes back within {@link #GRACE_NANOS} of its send. A later echo is lost
 * to the caller all the same, and counted as late: those that come back while the receiver still
 * runs, up to {@link #LATE_WATCH_NANOS} after the grace; the rest are not received. Counting the packets
 * sent and echoed during the window instead is off by one burst whenever the window ends between a
 * burst and its echoes: 0.2 % of a 10 s window, twice the loss the ramp allows.
 */
final class RtpPacer implements AutoCloseable {

    static final int FRAME = 160;
    private static final int RING = 1024;
    private static final int BURST_RING = 1 << 15;
    private static final int TAG_WRAP = 127 * 127;
    private static final int LATENESS_RING = 1 << 15;
    /** How long the echoes of a window's last bursts are waited for; a later echo is a lost packet. */
    static final long GRACE_NANOS = 250_000_000L;
    /** How long after the grace echoes of the window's packets are still looked for, to count them late. */
    static final long LATE_WATCH_NANOS = 500_000_000L;

    /** One call's media: the socket the generator sends from, and where the far end takes RTP. */
    interface Leg {
        DatagramChannel rtp();

        SocketAddress media();
    }

    /**
     * What one window measured: latencies in ns (ascending), the packets sent in its bursts, how many
     * of them were echoed in time and how many late, and the time the receiver ran (window and grace,
     * the span CPU is read over).
     */
    record Window(long[] latencies, long sent, long echoed, long nanos, long[] pacerLateness, double firstFifthP50Ms,
                  double lastFifthP50Ms, long packetsBack, long windowNanos, long late) {
        double lossPercent() {
            return sent == 0 ? 100 : Math.max(0, 100.0 * (sent - echoed) / sent);
        }

        /** Packets sent whose echo never came back, not even late. */
        long notReceived() {
            return Math.max(0, sent - echoed - late);
        }

        /** Packets the target sent back per call per second of the window: 50 is real time. */
        double packetsPerCallSecond(int calls) {
            return calls == 0 || windowNanos == 0 ? 0 : packetsBack * 1e9 / windowNanos / calls;
        }
    }

    private final List<Leg> legs;
    private final int ptimeMs;
    private final AtomicLongArray sentAt;
    private final AtomicLong sent = new AtomicLong();
    /** Packets sent before each burst began, by burst number: a window's count is a difference. */
    private final AtomicLongArray sentBefore = new AtomicLongArray(BURST_RING);
    /** The latest burst begun, written by the pacer only. */
    private volatile int started = -1;
    /** How late each tick's sending started, ns: the generator's own jitter, which a jitter buffer sees too. */
    private final AtomicLongArray lateness = new AtomicLongArray(LATENESS_RING);
    private final AtomicLong ticks = new AtomicLong();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("rtp-pacer").daemon(true).unstarted(r));
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(2048);
    // The receiving thread's own: the bursts counted [from, to), and the burst + 1 last echoed per slot.
    private final int[] echoedBurst;
    private int from;
    private int to;
    private long echoed;
    private long lateEchoes;
    /** After the grace: echoes are only counted as late, their latency no longer kept. */
    private boolean watchingLate;
    private long[] latencies = new long[1 << 16];
    private int count;
    private boolean countingBack;
    private long packetsBack;

    RtpPacer(List<? extends Leg> legs, int ptimeMs) throws IOException {
        if (ptimeMs % 10 != 0 || ptimeMs < 20 || ptimeMs > 40) {
            throw new IllegalArgumentException("ptime must be 20, 30 or 40 ms, not " + ptimeMs);
        }
        this.legs = List.copyOf(legs);
        this.ptimeMs = ptimeMs;
        this.sentAt = new AtomicLongArray(this.legs.size() * RING);
        this.echoedBurst = new int[this.legs.size() * RING];
        selector = Selector.open();
        for (int i = 0; i < this.legs.size(); i++) {
            this.legs.get(i).rtp().register(selector, SelectionKey.OP_READ, i);
        }
        ByteBuffer out = ByteBuffer.allocate(12 + 8 * ptimeMs);
        int[] seq = {0};
        long start = System.nanoTime();
        pacer.scheduleAtFixedRate(() -> sendAll(out, seq[0]++, start), 0, ptimeMs, TimeUnit.MILLISECONDS);
    }

    private void sendAll(ByteBuffer out, int seq, long start) {
        long tick = ticks.getAndIncrement();
        lateness.set((int) (tick % LATENESS_RING), System.nanoTime() - start - seq * ptimeMs * 1_000_000L);
        sentBefore.set(seq % BURST_RING, sent.get());
        started = seq;
        fill(out.array(), seq, ptimeMs);
        for (int i = 0; i < legs.size(); i++) {
            Leg c = legs.get(i);
            sentAt.set(i * RING + (seq & (RING - 1)), System.nanoTime());
            try {
                c.rtp().send(out.clear(), c.media());
                sent.incrementAndGet();
            } catch (IOException e) {
                // not sent is not counted: a full socket buffer shows up as lost echoes instead
            }
        }
    }

    /**
     * Receives for {@code warmup} without keeping anything, then measures the bursts begun during
     * {@code window}, waiting {@link #GRACE_NANOS} more for their echoes.
     */
    Window measure(Duration warmup, Duration window) throws IOException {
        from = 0;
        to = 0;
        receive(warmup.toNanos());
        count = 0;
        echoed = 0;
        lateEchoes = 0;
        long ticksBefore = ticks.get();
        long start = System.nanoTime();
        from = started + 1;
        to = Integer.MAX_VALUE;
        packetsBack = 0;
        countingBack = true;
        receive(window.toNanos());
        countingBack = false;
        long windowNanos = System.nanoTime() - start;
        to = started + 1;
        long ticksAfter = ticks.get();
        receive(GRACE_NANOS);
        long nanos = System.nanoTime() - start;
        if (!window.isZero()) {
            watchingLate = true;
            receive(LATE_WATCH_NANOS);
            watchingLate = false;
        }
        long sentIn = to <= from ? 0 : sentBefore.get(to % BURST_RING) - sentBefore.get(from % BURST_RING);
        int n = (int) Math.min(LATENESS_RING, ticksAfter - ticksBefore);
        long[] late = new long[n];
        for (int i = 0; i < n; i++) {
            late[i] = lateness.get((int) ((ticksAfter - n + i) % LATENESS_RING));
        }
        int fifth = count / 5;
        long[] last = Ramp.sorted(Arrays.copyOfRange(latencies, count - fifth, count), fifth);
        return new Window(Ramp.sorted(latencies, count), sentIn, echoed, nanos, Ramp.sorted(late, n),
                Ramp.percentile(Ramp.sorted(latencies, fifth), 0.5) / 1e6, Ramp.percentile(last, 0.5) / 1e6, packetsBack,
                window.isZero() ? 0 : windowNanos, lateEchoes);
    }

    private void receive(long nanos) throws IOException {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            selector.select(key -> {
                int call = (Integer) key.attachment();
                try {
                    while (legs.get(call).rtp().receive(in.clear()) != null) {
                        record(call, System.nanoTime());
                    }
                } catch (IOException ignored) {
                    // ICMP unreachable from a peer that is not there yet: counted as loss
                }
            }, 10);
        }
    }

    private void record(int call, long now) {
        if (countingBack) {
            packetsBack++;
        }
        byte[] b = in.array();
        int tag = in.position() >= 12 + FRAME ? findTag(b) : -1; // the references echo the generator's ptime
        if (tag < 0) {
            return; // silence, or concealment, between echoes
        }
        // The burst the tag names, the first at or after the window's start with that tag.
        int burst = from + Math.floorMod(tagSequence(b, tag) - from, TAG_WRAP);
        if (burst >= to || burst > started) {
            return; // before the window (its tag maps past the latest burst), or after it
        }
        int slot = call * RING + (burst & (RING - 1));
        if (echoedBurst[slot] == burst + 1) {
            return; // a frame a jitter buffer shifted can carry one burst's tag into two echoes
        }
        echoedBurst[slot] = burst + 1;
        long latency = now - sentAt.get(slot) - halfOffsetNanos(b, tag);
        if (latency > GRACE_NANOS) {
            lateEchoes++;
        } else {
            echoed++;
        }
        if (watchingLate) {
            return;
        }
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = latency;
    }

    /**
     * Where a whole tag starts in an echoed packet, or -1. A jitter buffer that skips or stretches
     * audio after a stall may shift the stream by any number of samples, so the tag is looked for
     * anywhere: its part marker (0x10 to 0x13) must be followed by the two filler bytes that follow
     * it when sent, which a sequence byte followed by a marker never is.
     */
    static int findTag(byte[] b) {
        for (int j = 14; j + 2 < 12 + FRAME; j++) {
            if (b[j] >= 0x10 && b[j] <= 0x13) {
                int after = 12 + (b[j] - 0x10) * 80 + 3; // the filler position right after that half's tag
                if (b[j + 1] == filler(after) && b[j + 2] == filler(after + 1)) {
                    return j - 2;
                }
            }
        }
        return -1;
    }

    /** The sequence number of the packet a tag found by {@link #findTag} was sent in. */
    static int tagSequence(byte[] b, int tag) {
        return (b[tag] & 0xFF) + 127 * (b[tag + 1] & 0xFF);
    }

    /** How long after its packet's send the tagged part was: part n is 10 n ms in. */
    static long halfOffsetNanos(byte[] b, int tag) {
        return (b[tag + 2] - 0x10) * 10_000_000L;
    }

    private static byte filler(int i) {
        return (byte) (0x20 + (i & 0x3F));
    }

    /** The payload: filler, with the tag at the start of every 10 ms part. */
    static void fill(byte[] b, int seq, int ptimeMs) {
        b[0] = (byte) 0x80;
        b[1] = 0; // PCMU
        b[2] = (byte) (seq >> 8);
        b[3] = (byte) seq;
        int ts = seq * 8 * ptimeMs;
        b[4] = (byte) (ts >> 24);
        b[5] = (byte) (ts >> 16);
        b[6] = (byte) (ts >> 8);
        b[7] = (byte) ts;
        b[11] = 0x42;
        for (int i = 12; i < 12 + 8 * ptimeMs; i++) {
            b[i] = filler(i);
        }
        for (int half = 0; half < ptimeMs / 10; half++) {
            int at = 12 + half * 80;
            b[at] = (byte) (seq % 127);
            b[at + 1] = (byte) ((seq / 127) % 127);
            b[at + 2] = (byte) (0x10 + half);
        }
    }

    @Override
    public void close() throws IOException {
        pacer.shutdownNow();
        selector.close();
    }
}
