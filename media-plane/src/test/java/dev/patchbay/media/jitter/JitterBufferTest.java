package dev.patchbay.media.jitter;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.patchbay.media.testutil.Allocations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jitter buffer, played out on arrival as CallMedia runs it, replayed from packet traces with explicit times: after
 * every packet and on a 20 ms clock (offset from the packets' own), {@code next} is called until it
 * waits. Every sample carries its stream position, so outputs are compared sample for sample, and
 * each frame's release time is known to the nanosecond.
 */
class JitterBufferTest {

    private static final long MS = 1_000_000L;
    private static final long TICK_PHASE = 7 * MS;

    /** The sample the sender put at stream position {@code pos}: unique and never 0. */
    static short sampleAt(long pos) {
        return (short) (1 + Math.floorMod(pos, 30_000));
    }

    static short[] packet(long pos, int samples) {
        short[] p = new short[samples];
        for (int i = 0; i < samples; i++) {
            p[i] = sampleAt(pos + i);
        }
        return p;
    }

    private record Arrival(long atNanos, long position, int samples) { }

    private record Out(long atNanos, JitterBuffer.Pull kind, short[] samples) { }

    private static List<Out> replay(JitterBuffer jb, List<Arrival> arrivals, long endNanos) {
        return replay(jb, arrivals, 0, endNanos);
    }

    /** Feeds arrivals in time order at RTP timestamps from {@code base}, draining after each and on every tick. */
    private static List<Out> replay(JitterBuffer jb, List<Arrival> arrivals, long base, long endNanos) {
        List<Arrival> pending = new ArrayList<>(arrivals);
        pending.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
        List<Out> out = new ArrayList<>();
        int next = 0;
        for (long tick = TICK_PHASE; tick < endNanos; tick += 20 * MS) {
            while (next < pending.size() && pending.get(next).atNanos() <= tick) {
                Arrival a = pending.get(next++);
                jb.put((base + a.position()) & 0xFFFF_FFFFL, packet(a.position(), a.samples()), 0, a.samples(), a.atNanos());
                drain(jb, a.atNanos(), out);
            }
            drain(jb, tick, out);
        }
        return out;
    }

    private static void drain(JitterBuffer jb, long now, List<Out> out) {
        while (true) {
            short[] frame = new short[JitterBuffer.FRAME];
            JitterBuffer.Pull kind = jb.next(frame, now);
            if (kind == JitterBuffer.Pull.WAIT) {
                return;
            }
            out.add(new Out(now, kind, frame));
        }
    }

    private static List<Arrival> steady(int packets, int samples, double spacingMs) {
        List<Arrival> list = new ArrayList<>();
        for (int k = 0; k < packets; k++) {
            list.add(new Arrival(Math.round(k * spacingMs * MS), (long) k * samples, samples));
        }
        return list;
    }

    @Test
    void eachFrameLeavesTheMomentItsPacketArrives() {
        List<Arrival> trace = steady(100, 160, 20);
        List<Out> out = replay(new JitterBuffer(200), trace, 100 * 20 * MS);
        assertEquals(100, out.size());
        for (int k = 0; k < 100; k++) {
            assertEquals(JitterBuffer.Pull.AUDIO, out.get(k).kind(), "frame " + k);
            assertEquals(trace.get(k).atNanos(), out.get(k).atNanos(), "frame " + k + " released on arrival, not on the tick");
            assertArrayEquals(packet(k * 160L, 160), out.get(k).samples(), "frame " + k);
        }
    }

    @Test
    void aFrameArrivingBeforeItsPredecessorWaitsForItThenBothLeaveInOrder() {
        // Every fourth packet is 25 ms late, so it arrives after the next one.
        List<Arrival> trace = new ArrayList<>();
        for (int k = 0; k < 80; k++) {
            trace.add(new Arrival((k * 20 + (k % 4 == 1 ? 25 : 0)) * MS, k * 160L, 160));
        }
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 1600 * MS);
        assertEquals(80, out.size());
        for (int k = 33; k < 80; k++) { // once the target has learned the spread
            assertEquals(JitterBuffer.Pull.AUDIO, out.get(k).kind(), "frame " + k);
            assertArrayEquals(packet(k * 160L, 160), out.get(k).samples(), "frame " + k);
            if (k % 4 == 2) {
                long lateArrival = ((k - 1) * 20 + 25) * MS;
                assertEquals(lateArrival, out.get(k - 1).atNanos(), "frame " + (k - 1) + " on its own late arrival");
                assertEquals(lateArrival, out.get(k).atNanos(), "frame " + k + " held until its predecessor came, not concealed");
            } else if (k % 4 != 1) {
                assertEquals(trace.get(k).atNanos(), out.get(k).atNanos(), "frame " + k + " on arrival");
            }
        }
    }

    @Test
    void aLostPacketIsConcealedOnceOverdueAndTheNextFrameIsNotDelayed() {
        List<Arrival> trace = new ArrayList<>(steady(40, 160, 20));
        trace.remove(20);
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 40 * 20 * MS);
        Out lost = out.get(20);
        assertEquals(JitterBuffer.Pull.CONCEALED, lost.kind());
        // Due at 400 ms, given up on at 410: the tick at 407 ms is too early, frame 21's arrival at 420 is not.
        assertEquals(420 * MS, lost.atNanos());
        short[] previous = out.get(19).samples();
        for (int i = 0; i < 160; i++) {
            assertEquals((short) (previous[i] >> 1), lost.samples()[i]);
        }
        assertEquals(420 * MS, out.get(21).atNanos(), "frame 21 leaves on its arrival, right behind the concealment");
        assertArrayEquals(packet(21 * 160L, 160), out.get(21).samples(), "the stream resumes exactly");
        assertEquals(1, jb.concealed());
        assertEquals(40, out.size());
    }

    @Test
    void thirtyMsPacketsBecomeContinuousTwentyMsFrames() {
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, steady(60, 240, 30), 60 * 30 * MS);
        assertEquals(90, out.size(), "60 packets of 240 samples are 90 frames of 160");
        for (int k = 0; k < 90; k++) {
            assertEquals(JitterBuffer.Pull.AUDIO, out.get(k).kind(), "frame " + k);
            assertArrayEquals(packet(k * 160L, 160), out.get(k).samples(), "frame " + k);
        }
    }

    @Test
    void aSilentSenderIsConcealedThenSilenceOnTheClockAndItsResumedStreamPlaysExactly() {
        // 20 packets, then nothing for 300 ms, then the sender goes on without advancing its timestamps.
        List<Arrival> trace = new ArrayList<>(steady(20, 160, 20));
        for (int k = 20; k < 40; k++) {
            trace.add(new Arrival((k * 20 + 300) * MS, k * 160L, 160));
        }
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 1090 * MS); // to just after the last packet: no trailing concealment
        List<Out> gap = out.subList(20, out.size() - 20);
        assertTrue(gap.size() >= 12 && gap.size() <= 16, "about one frame per tick through the 300 ms pause: " + gap.size());
        for (int i = 0; i < gap.size(); i++) {
            assertEquals(i < 5 ? JitterBuffer.Pull.CONCEALED : JitterBuffer.Pull.SILENCE, gap.get(i).kind(), "gap frame " + i);
        }
        for (int k = 20; k < 40; k++) {
            Out o = out.get(out.size() - 40 + k);
            assertEquals(JitterBuffer.Pull.AUDIO, o.kind(), "resumed frame " + k);
            assertArrayEquals(packet(k * 160L, 160), o.samples(), "resumed frame " + k);
            assertEquals((k * 20 + 300) * MS, o.atNanos(), "resumed frame " + k + " on arrival");
        }
        assertEquals(1, jb.resyncs());
    }

    @Test
    void aPacketLaterThanItsConcealmentIsDroppedAndTheStreamGoesOn() {
        List<Arrival> trace = new ArrayList<>(steady(40, 160, 20));
        trace.set(15, new Arrival(trace.get(15).atNanos() + 45 * MS, 15 * 160, 160));
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 40 * 20 * MS);
        assertEquals(40, out.size());
        assertEquals(JitterBuffer.Pull.CONCEALED, out.get(15).kind());
        for (int k = 16; k < 40; k++) {
            assertArrayEquals(packet(k * 160L, 160), out.get(k).samples(), "frame " + k);
        }
        assertEquals(1, jb.late());
    }

    @Test
    void theWaitForAGapGrowsWithTheMeasuredJitter() {
        // Packets alternate 0 and 30 ms late: the target learns the spread, so a lost packet is
        // waited for past its usual lateness instead of being concealed while still on its way.
        List<Arrival> trace = new ArrayList<>();
        for (int k = 0; k < 200; k++) {
            trace.add(new Arrival((k * 20 + (k % 2 == 0 ? 0 : 30)) * MS, k * 160L, 160));
        }
        trace.remove(181); // an odd one: it would have come 30 ms late
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 4030 * MS);
        assertEquals(200, out.size());
        for (int k = 32; k < 200; k++) { // after two updates of the target
            assertEquals(k == 181 ? JitterBuffer.Pull.CONCEALED : JitterBuffer.Pull.AUDIO, out.get(k).kind(), "frame " + k);
        }
        assertEquals(3667 * MS, out.get(181).atNanos(), "waited for past the usual 30 ms: given up on at 3660 ms, the next tick");
        assertTrue(jb.targetMs() >= 45, "target " + jb.targetMs() + " ms covers 30 ms of jitter plus a packet");
    }

    @Test
    void aGapFoundInABurstGetsFiveMillisecondsBeforeItIsConcealed() {
        // A sender that was held up upstream delivers 20 ms packets back to back, 5 and 6 swapped
        // by 2 ms: by the timing alone 5 is long overdue when 6 comes, yet it is only reordered.
        List<Arrival> trace = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            trace.add(new Arrival(k == 5 ? 3 * MS : k == 6 ? 1 * MS : 0, k * 160L, 160));
        }
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 20 * MS);
        assertEquals(12, out.size());
        for (int k = 0; k < 12; k++) {
            assertArrayEquals(packet(k * 160L, 160), out.get(k).samples(), "frame " + k);
        }
        assertEquals(3 * MS, out.get(6).atNanos(), "frame 6 held the 2 ms until 5 came");
        assertEquals(0, jb.concealed());
    }

    @Tag("allocation")

    @Test
    void releasingOnArrivalAllocatesNothing() {
        JitterBuffer jb = new JitterBuffer(200);
        short[] in = packet(0, 160);
        short[] frame = new short[160];
        long[] t = {0};
        long bytes = Allocations.measure(5000, () -> {
            jb.put((t[0] * 160) & 0xFFFF_FFFFL, in, 0, 160, t[0] * 20 * MS);
            jb.next(frame, t[0] * 20 * MS);
            jb.next(frame, t[0] * 20 * MS);
            t[0]++;
        });
        assertTrue(bytes < 4096, "put+next allocated " + bytes + " bytes over 5000 packets");
    }

    /** Asserts that frames {@code from..to} are the sender's stream from position {@code first}, sample for sample. */
    private static void assertContinuous(List<Out> out, int from, int to, long first) {
        for (int k = from; k < to; k++) {
            assertEquals(JitterBuffer.Pull.AUDIO, out.get(k).kind(), "frame " + k);
            assertArrayEquals(packet(first + (k - from) * 160L, 160), out.get(k).samples(), "frame " + k);
        }
    }

    @Test
    void duplicatedPacketsChangeNothing() {
        List<Arrival> trace = new ArrayList<>(steady(100, 160, 20));
        for (int k = 5; k < 95; k += 9) {
            trace.add(new Arrival(trace.get(k).atNanos() + 3 * MS, trace.get(k).position(), 160));
        }
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 77, 100 * 20 * MS);
        assertEquals(100, out.size(), "one frame per packet, none for the copies");
        assertContinuous(out, 0, 100, 0);
        assertEquals(10, jb.duplicates() + jb.late(), "each extra copy is counted, as a duplicate or as too late");
        assertEquals(0, jb.concealed());
    }

    @Test
    void onceTheTargetHasLearnedTheJitterNothingIsConcealed() {
        Random random = new Random(42);
        List<Arrival> trace = new ArrayList<>();
        for (int k = 0; k < 500; k++) {
            trace.add(new Arrival(k * 20 * MS + random.nextInt(60) * MS, (long) k * 160, 160));
        }
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 9, 520 * 20 * MS);
        assertTrue(jb.targetMs() >= 55 && jb.targetMs() <= 100, "target " + jb.targetMs() + " ms for 0-60 ms jitter");
        int from = 0;
        while (out.get(from).atNanos() < 250 * 20 * MS) {
            from++; // the first 5 s teach the target; some frames are concealed meanwhile
        }
        long first = 30_000 + Math.floorMod(out.get(from).samples()[0] - 1, 30_000); // positions 30,000-59,999 here
        assertTrue(first > 240 * 160L && first < 260 * 160L, "frame " + from + " is at position " + first);
        assertContinuous(out, from, from + (int) (500 - first / 160), first); // through the last packet
    }

    @Test
    void targetIsCappedByConfiguration() {
        Random random = new Random(7);
        List<Arrival> trace = new ArrayList<>();
        for (int k = 0; k < 300; k++) {
            trace.add(new Arrival(k * 20 * MS + random.nextInt(400) * MS, (long) k * 160, 160));
        }
        JitterBuffer jb = new JitterBuffer(80);
        replay(jb, trace, 0, 330 * 20 * MS);
        assertEquals(80, jb.targetMs());
    }

    @Test
    void aFastOrSlowSenderClockPlaysEverySampleBecauseItsPacketsSetThePace() {
        for (double spacing : new double[] {19.8, 20.2}) {
            JitterBuffer jb = new JitterBuffer(200);
            List<Out> out = replay(jb, steady(2000, 160, spacing), 0, Math.round(2000 * spacing * MS));
            assertEquals(2000, out.size(), spacing + " ms spacing");
            assertContinuous(out, 0, 2000, 0);
            assertEquals(0, jb.droppedSamples() + jb.concealed(), spacing + " ms spacing");
        }
    }

    @Test
    void timestampWrapIsSeamless() {
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, steady(100, 160, 20), (1L << 32) - 50 * 160 + 33, 100 * 20 * MS);
        assertEquals(100, out.size());
        assertContinuous(out, 0, 100, 0);
    }

    @Test
    void aTimestampJumpResynchronises() {
        List<Arrival> trace = new ArrayList<>(steady(50, 160, 20));
        for (int k = 50; k < 100; k++) {
            trace.add(new Arrival(k * 20 * MS, 1_000_000L + (long) k * 160, 160));
        }
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 0, 100 * 20 * MS);
        assertEquals(1, jb.resyncs());
        assertEquals(100, out.size());
        assertContinuous(out, 50, 100, 1_000_000L + 50 * 160L);
    }

    @Test
    void aBurstPilingUpBehindAGapDropsTheOldestAudioNotTheStream() {
        // Packet 20 never comes, and 21-59 arrive at once 3 ms after frame 19 left, while frame 20's
        // gap is still waited for: more than the ring holds. The oldest audio goes, the gap with it,
        // and the rest plays in order.
        List<Arrival> trace = new ArrayList<>(steady(20, 160, 20));
        for (int k = 21; k < 60; k++) {
            trace.add(new Arrival(383 * MS, (long) k * 160, 160));
        }
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 388 * MS); // through the tick at 387 ms
        assertEquals(0, jb.resyncs(), "a burst is not a new timeline");
        assertEquals(0, jb.concealed(), "the gap was dropped with the overflow, not concealed");
        assertTrue(jb.droppedSamples() > 0, "what does not fit is dropped, oldest first");
        assertContinuous(out, 0, 20, 0);
        int kept = out.size() - 20;
        long resumed = Math.floorMod(out.get(20).samples()[0] - 1, 30_000);
        assertTrue(resumed > 21 * 160, "the gap and the oldest of the burst are gone: resumed at " + resumed);
        assertContinuous(out, 20, out.size(), resumed);
        long end = resumed + kept * 160L;
        assertTrue(end > 59 * 160 && end <= 60 * 160, "played up to the burst's last packet: " + end);
    }

    /**
     * A G.722 stream: RTP clock 8000 (160 ticks per 20 ms), 320 samples per packet. Frames of 320
     * leave in order across the 32-bit timestamp wrap; a lost packet is concealed at 16 kHz.
     */
    @Test
    void g722StreamPlaysOutAt16kHzAcrossTheTimestampWrap() {
        JitterBuffer jb = new JitterBuffer(200, 16000, 8000);
        assertEquals(320, jb.frameSamples());
        short[] packet = new short[320];
        short[] out = new short[320];
        long ts0 = 0xFFFF_FFFFL - 2 * 160 + 1; // the third packet's timestamp wraps to 0
        for (int n = 0; n < 6; n++) {
            if (n == 4) {
                continue; // lost
            }
            java.util.Arrays.fill(packet, (short) (1000 + n));
            jb.put((ts0 + 160L * n) & 0xFFFF_FFFFL, packet, 0, 320, n * 20 * MS);
        }
        for (int n = 0; n < 4; n++) {
            assertEquals(JitterBuffer.Pull.AUDIO, jb.next(out, 100 * MS), "frame " + n);
            assertEquals(1000 + n, out[0]);
            assertEquals(1000 + n, out[319]);
        }
        assertEquals(JitterBuffer.Pull.WAIT, jb.next(out, 200 * MS), "a gap first found gets 5 ms");
        assertEquals(JitterBuffer.Pull.CONCEALED, jb.next(out, 206 * MS), "the lost packet, once overdue");
        assertEquals((1000 + 3) >> 1, out[0], "the last frame at half level");
        assertEquals(JitterBuffer.Pull.AUDIO, jb.next(out, 206 * MS));
        assertEquals(1005, out[0]);
        assertEquals(0, jb.resyncs(), "the wrap is not a jump");
    }
}
