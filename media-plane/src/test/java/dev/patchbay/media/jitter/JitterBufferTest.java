package dev.patchbay.media.jitter;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.patchbay.media.testutil.Allocations;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays packet traces with explicit arrival times. Every sample carries its own position, so the
 * expected output is known exactly: a test compares samples, not statistics.
 */
class JitterBufferTest {

    private static final long MS = 1_000_000L;

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

    /** A packet due at arrival time {@code at}. */
    private record Arrival(long atNanos, long position, int samples) { }

    /** What one pull gave. */
    private record Out(JitterBuffer.Pull kind, short[] samples) { }

    /** Feeds arrivals in time order and pulls every 20 ms from time 0 until {@code endNanos}. */
    private static List<Out> replay(JitterBuffer jb, List<Arrival> arrivals, long base, long endNanos) {
        List<Arrival> pending = new ArrayList<>(arrivals);
        pending.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
        List<Out> out = new ArrayList<>();
        int next = 0;
        for (long t = 0; t < endNanos; t += 20 * MS) {
            while (next < pending.size() && pending.get(next).atNanos() <= t) {
                Arrival a = pending.get(next++);
                jb.put((base + a.position()) & 0xFFFF_FFFFL, packet(a.position(), a.samples()), 0, a.samples(), a.atNanos());
            }
            short[] frame = new short[JitterBuffer.FRAME];
            out.add(new Out(jb.pull(frame), frame));
        }
        return out;
    }

    private static List<Arrival> steady(int packets, int samples, double spacingMs) {
        List<Arrival> list = new ArrayList<>();
        for (int k = 0; k < packets; k++) {
            list.add(new Arrival(Math.round(k * spacingMs * MS), (long) k * samples, samples));
        }
        return list;
    }

    /** Asserts that from the first audio on, the output is the sender's stream, sample for sample. */
    private static void assertContinuous(List<Out> out, int fromPull, int toPull) {
        long pos = -1;
        for (int i = fromPull; i < toPull; i++) {
            Out o = out.get(i);
            assertEquals(JitterBuffer.Pull.AUDIO, o.kind(), "pull " + i);
            if (pos < 0) {
                pos = Math.floorMod(o.samples()[0] - 1, 30_000);
            }
            for (short s : o.samples()) {
                assertEquals(sampleAt(pos++), s, "pull " + i);
            }
        }
    }

    @Test
    void steadyStreamStartsWithin20msAndPlaysEverySampleInOrder() {
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, steady(100, 160, 20), 1000, 100 * 20 * MS);
        assertEquals(JitterBuffer.Pull.SILENCE, out.get(0).kind(), "20 ms of lead-in");
        assertArrayEquals(packet(0, 160), out.get(1).samples(), "then the first packet, 20 ms after it arrived");
        assertContinuous(out, 1, 100);
        assertTrue(jb.targetMs() <= 40, "no jitter keeps the target at or below 40 ms: " + jb.targetMs());
        assertEquals(0, jb.concealed());
    }

    @Test
    void reorderedAndDuplicatedPacketsChangeNothing() {
        List<Arrival> trace = new ArrayList<>(steady(100, 160, 20));
        for (int k = 10; k < 90; k += 7) {
            Arrival a = trace.get(k);
            Arrival b = trace.get(k + 1);
            trace.set(k, new Arrival(b.atNanos(), a.position(), 160));     // k arrives after k+1
            trace.set(k + 1, new Arrival(a.atNanos(), b.position(), 160));
        }
        for (int k = 5; k < 95; k += 9) {
            trace.add(new Arrival(trace.get(k).atNanos() + 3 * MS, trace.get(k).position(), 160));
        }
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 77, 100 * 20 * MS);
        List<Out> reference = replay(new JitterBuffer(200), steady(100, 160, 20), 77, 100 * 20 * MS);
        for (int i = 0; i < out.size(); i++) {
            assertArrayEquals(reference.get(i).samples(), out.get(i).samples(), "pull " + i);
        }
        assertEquals(10, jb.duplicates() + jb.late(), "each extra copy is counted, as a duplicate or as too late");
        assertEquals(0, jb.concealed());
    }

    @Test
    void aLostPacketIsConcealedByTheLastFrameAtHalfLevel() {
        List<Arrival> trace = new ArrayList<>(steady(40, 160, 20));
        trace.remove(20);
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 0, 40 * 20 * MS);
        Out lost = out.get(21);
        assertEquals(JitterBuffer.Pull.CONCEALED, lost.kind());
        short[] previous = out.get(20).samples();
        for (int i = 0; i < 160; i++) {
            assertEquals((short) (previous[i] >> 1), lost.samples()[i]);
        }
        assertArrayEquals(packet(21 * 160, 160), out.get(22).samples(), "the stream resumes exactly");
        assertEquals(1, jb.concealed());
    }

    @Test
    void thirtyMsPacketsBecomeContinuousTwentyMsFrames() {
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, steady(100, 240, 30), 5, 160 * 20 * MS);
        int first = 0;
        while (out.get(first).kind() == JitterBuffer.Pull.SILENCE) {
            first++;
        }
        assertTrue(first <= 2, "audio starts within 40 ms, at pull " + first);
        first++; // the first frame holds the lead-in silence
        assertContinuous(out, first, 145);
    }

    @Test
    void targetFollowsTheJitterAndThenNothingIsLost() {
        Random random = new Random(42);
        List<Arrival> trace = new ArrayList<>();
        for (int k = 0; k < 500; k++) {
            trace.add(new Arrival(k * 20 * MS + random.nextInt(60) * MS, (long) k * 160, 160));
        }
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 9, 520 * 20 * MS);
        assertTrue(jb.targetMs() >= 55 && jb.targetMs() <= 100, "target " + jb.targetMs() + " ms for 0-60 ms jitter");
        long concealedLate = out.subList(250, 495).stream().filter(o -> o.kind() != JitterBuffer.Pull.AUDIO).count();
        assertEquals(0, concealedLate, "once adapted, the jittery stream plays without gaps");
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
    void fastSenderClockIsTrimmedAndSlowOneStretched() {
        JitterBuffer fast = new JitterBuffer(200);
        replay(fast, steady(2000, 160, 19.8), 0, 2000 * 20 * MS);
        assertTrue(fast.droppedSamples() > 0);
        assertTrue(fast.bufferedMs() <= fast.targetMs() + 60, "buffer " + fast.bufferedMs() + " ms stays near target "
                + fast.targetMs() + " ms instead of growing 400 ms");

        JitterBuffer slow = new JitterBuffer(200);
        List<Out> out = replay(slow, steady(2000, 160, 20.2), 0, 2000 * 20 * MS);
        assertTrue(slow.insertedSamples() > 0);
        long silent = 0;
        for (Out o : out.subList(100, 1950)) {
            for (short s : o.samples()) {
                silent += s == 0 ? 1 : 0; // the sender never sends 0, so a 0 is a gap
            }
        }
        assertEquals(0, slow.concealed(), "a slow clock never costs a whole frame");
        assertTrue(silent < 1850 * 160 / 200, "gaps stay under 0.5% of the audio: " + silent + " samples");
    }

    /**
     * The media loop was busy for 400 ms (many calls setting up at once) while the caller kept
     * sending: the backlog is dropped in one go, not 10 ms per half second over 20 s.
     */
    @Test
    void aBacklogFromAStalledLoopIsShedWithinTwoSeconds() {
        JitterBuffer jb = new JitterBuffer(200);
        int k = 0;
        for (; k < 20; k++) {
            jb.put((long) k * 160, packet((long) k * 160, 160), 0, 160, k * 20 * MS); // no pulls meanwhile
        }
        short[] frame = new short[JitterBuffer.FRAME];
        assertTrue(jb.bufferedMs() >= 380, "the stall left " + jb.bufferedMs() + " ms queued");
        for (; k < 20 + 100; k++) { // two seconds of steady sending and pulling
            jb.put((long) k * 160, packet((long) k * 160, 160), 0, 160, k * 20 * MS);
            jb.pull(frame);
        }
        assertTrue(jb.bufferedMs() <= jb.targetMs() + 40, "after 2 s the buffer holds " + jb.bufferedMs()
                + " ms for a target of " + jb.targetMs() + " ms");
        assertEquals(0, jb.concealed(), "shedding the backlog loses no frame the caller is still owed");
    }

    @Test
    void timestampWrapIsSeamless() {
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, steady(100, 160, 20), (1L << 32) - 50 * 160 + 33, 100 * 20 * MS);
        assertContinuous(out, 2, 100);
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
        assertContinuous(out, 53, 100);
    }

    @Test
    void aBurstBeyondTheRingDropsTheOldestNotTheStream() {
        List<Arrival> trace = new ArrayList<>(steady(20, 160, 20));
        for (int k = 20; k < 60; k++) {
            trace.add(new Arrival(40 * 20 * MS, (long) k * 160, 160)); // 800 ms held back, then delivered at once
        }
        for (int k = 60; k < 100; k++) {
            trace.add(new Arrival(k * 20 * MS, (long) k * 160, 160));
        }
        JitterBuffer jb = new JitterBuffer(200);
        List<Out> out = replay(jb, trace, 0, 100 * 20 * MS);
        assertEquals(0, jb.resyncs(), "a burst is not a new timeline");
        assertTrue(jb.droppedSamples() > 0, "what does not fit is dropped, oldest first");
        assertTrue(out.subList(41, 100).stream().allMatch(o -> o.kind() == JitterBuffer.Pull.AUDIO), "no gap after the burst");
        long lastPosition = Math.floorMod(out.get(99).samples()[0] - 1, 30_000);
        assertTrue(lastPosition >= (99 - 50) * 160L, "the backlog is trimmed, not played out forever: " + lastPosition);
    }

    @Test
    void steadyStateAllocatesNothing() {
        JitterBuffer jb = new JitterBuffer(200);
        short[] in = packet(0, 160);
        short[] frame = new short[160];
        long[] t = {0};
        long bytes = Allocations.measure(5000, () -> {
            jb.put((t[0] * 160) & 0xFFFF_FFFFL, in, 0, 160, t[0] * 20 * MS);
            jb.pull(frame);
            t[0]++;
        });
        // One object per packet would be 80,000 bytes or more; a few hundred bytes is the JIT, not us.
        assertTrue(bytes < 4096, "put+pull allocated " + bytes + " bytes over 5000 packets");
    }
}
