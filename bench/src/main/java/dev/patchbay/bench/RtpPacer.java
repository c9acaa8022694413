package dev.patchbay.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * Sends one 20 ms PCMU packet per call every 20 ms from its own thread, and matches the echoes that
 * come back on the calling thread. Each packet carries a tag in its payload, so an echo is matched
 * to its send time even after a jitter buffer has re-timed it.
 *
 * <p>The tag: each 10 ms half of the frame starts with the sequence number in base 127 (0x7F never
 * appears, as mu-law would not keep it) and the half's number. Patchbay's jitter buffer may shift
 * the stream by 10 ms to follow clock drift, so an echo can start at either half. The sequence
 * wraps after 127 * 127 frames (5 min 22 s): one measurement must be shorter.
 */
final class RtpPacer implements AutoCloseable {

    static final int FRAME = 160;
    private static final int RING = 1024;
    private static final int LATENESS_RING = 1 << 15;

    /** What one window measured: latencies in ns (ascending) and the packets sent and echoed. */
    record Window(long[] latencies, long sent, long echoed, long nanos, long[] pacerLateness, double firstFifthP50Ms,
                  double lastFifthP50Ms) {
        double lossPercent() {
            return sent == 0 ? 100 : Math.max(0, 100.0 * (sent - echoed) / sent);
        }
    }

    private final List<Callers.Call> calls;
    private final AtomicLongArray sentAt;
    private final AtomicLong sent = new AtomicLong();
    /** How late each tick's sending started, ns: the generator's own jitter, which a jitter buffer sees too. */
    private final AtomicLongArray lateness = new AtomicLongArray(LATENESS_RING);
    private final AtomicLong ticks = new AtomicLong();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("rtp-pacer").daemon(true).unstarted(r));
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(2048);
    private long[] latencies = new long[1 << 16];
    private int count;

    RtpPacer(List<Callers.Call> calls) throws IOException {
        this.calls = List.copyOf(calls);
        this.sentAt = new AtomicLongArray(this.calls.size() * RING);
        selector = Selector.open();
        for (int i = 0; i < this.calls.size(); i++) {
            this.calls.get(i).rtp().register(selector, SelectionKey.OP_READ, i);
        }
        ByteBuffer out = ByteBuffer.allocate(12 + FRAME);
        int[] seq = {0};
        long start = System.nanoTime();
        pacer.scheduleAtFixedRate(() -> sendAll(out, seq[0]++, start), 0, 20, TimeUnit.MILLISECONDS);
    }

    private void sendAll(ByteBuffer out, int seq, long start) {
        long tick = ticks.getAndIncrement();
        lateness.set((int) (tick % LATENESS_RING), System.nanoTime() - start - seq * 20_000_000L);
        fill(out.array(), seq);
        for (int i = 0; i < calls.size(); i++) {
            Callers.Call c = calls.get(i);
            sentAt.set(i * RING + (seq & (RING - 1)), System.nanoTime());
            try {
                c.rtp().send(out.clear(), c.media());
                sent.incrementAndGet();
            } catch (IOException e) {
                // not sent is not counted: a full socket buffer shows up as lost echoes instead
            }
        }
    }

    /** Receives for {@code warmup} without keeping anything, then measures for {@code window}. */
    Window measure(Duration warmup, Duration window) throws IOException {
        receive(warmup);
        count = 0;
        long sentBefore = sent.get();
        long ticksBefore = ticks.get();
        long start = System.nanoTime();
        receive(window);
        long nanos = System.nanoTime() - start;
        long ticksAfter = ticks.get();
        int n = (int) Math.min(LATENESS_RING, ticksAfter - ticksBefore);
        long[] late = new long[n];
        for (int i = 0; i < n; i++) {
            late[i] = lateness.get((int) ((ticksAfter - n + i) % LATENESS_RING));
        }
        int fifth = count / 5;
        long[] last = Ramp.sorted(Arrays.copyOfRange(latencies, count - fifth, count), fifth);
        return new Window(Ramp.sorted(latencies, count), sent.get() - sentBefore, count, nanos, Ramp.sorted(late, n),
                Ramp.percentile(Ramp.sorted(latencies, fifth), 0.5) / 1e6, Ramp.percentile(last, 0.5) / 1e6);
    }

    private void receive(Duration d) throws IOException {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            selector.select(key -> {
                int call = (Integer) key.attachment();
                try {
                    while (calls.get(call).rtp().receive(in.clear()) != null) {
                        record(call, System.nanoTime());
                    }
                } catch (IOException ignored) {
                    // ICMP unreachable from a peer that is not there yet: counted as loss
                }
            }, 10);
        }
    }

    private void record(int call, long now) {
        byte[] b = in.array();
        int tag = in.position() == 12 + FRAME ? findTag(b) : -1;
        if (tag < 0) {
            return; // silence, or concealment, between echoes
        }
        long at = sentAt.get(call * RING + (tagSequence(b, tag) & (RING - 1)));
        if (at == 0) {
            return; // a tag from before the first send
        }
        at += halfOffsetNanos(b, tag);
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = now - at;
    }

    /**
     * Where a whole tag starts in an echoed packet, or -1. A jitter buffer that skips or stretches
     * audio after a stall may shift the stream by any number of samples, so the tag is looked for
     * anywhere: its half marker (0x10 or 0x11) must be followed by the two filler bytes that follow
     * it when sent, which a sequence byte followed by a marker never is.
     */
    static int findTag(byte[] b) {
        for (int j = 14; j + 2 < 12 + FRAME; j++) {
            if (b[j] == 0x10 || b[j] == 0x11) {
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

    /** How long after its packet's send the tagged half was: the second half 10 ms in. */
    static long halfOffsetNanos(byte[] b, int tag) {
        return b[tag + 2] == 0x11 ? 10_000_000L : 0;
    }

    private static byte filler(int i) {
        return (byte) (0x20 + (i & 0x3F));
    }

    /** The payload: filler, with the tag at the start of both 10 ms halves. */
    static void fill(byte[] b, int seq) {
        b[0] = (byte) 0x80;
        b[1] = 0; // PCMU
        b[2] = (byte) (seq >> 8);
        b[3] = (byte) seq;
        int ts = seq * FRAME;
        b[4] = (byte) (ts >> 24);
        b[5] = (byte) (ts >> 16);
        b[6] = (byte) (ts >> 8);
        b[7] = (byte) ts;
        b[11] = 0x42;
        for (int i = 12; i < 12 + FRAME; i++) {
            b[i] = filler(i);
        }
        for (int half = 0; half < 2; half++) {
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
