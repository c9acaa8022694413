package dev.patchbay.media.playout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntToLongFunction;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The playout clock driven by exact schedules of bot frames. Each test replays the schedule the way
 * {@code CallerPlayout} and the media loop do: the loop wakes when a frame lands in an empty queue
 * and when the clock's {@code wakeAt} comes (late by {@code lag}, as a real loop is), and sends what
 * {@code due} says. Then it checks when every packet left and which frame each carried.
 */
class PlayoutClockTest {

    private static final long MS = 1_000_000L;
    private static final long FRAME = 20 * MS;

    /** A packet that left: when, and the bot frame it carried (-1 for a filler). */
    private record Sent(long at, int frame) {
        boolean voice() {
            return frame >= 0;
        }
    }

    private static List<Sent> play(List<Long> arrivals, long end, long lag) {
        return play(arrivals, end, packets -> lag);
    }

    /** @param lag how late the loop wakes, by how many packets have left */
    private static List<Sent> play(List<Long> arrivals, long end, IntToLongFunction lag) {
        PlayoutClock clock = new PlayoutClock(FRAME);
        List<Sent> sent = new ArrayList<>();
        int queuedFrom = 0; // index of the next frame to send
        int arrived = 0;
        long now = 0;
        boolean wasEmpty = true;
        while (now < end) {
            boolean queued = queuedFrom < arrived;
            if (queued && wasEmpty) {
                clock.voiceArrived(now);
            }
            PlayoutClock.Slot due = clock.due(now, queued);
            if (due != PlayoutClock.Slot.WAIT) {
                sent.add(new Sent(now, due == PlayoutClock.Slot.VOICE ? queuedFrom++ : -1));
                clock.sent(due, now);
            }
            wasEmpty = queuedFrom >= arrived;
            long wake = clock.wakeAt(now, queuedFrom < arrived) + lag.applyAsLong(sent.size());
            long nextArrival = arrived < arrivals.size() ? arrivals.get(arrived) : Long.MAX_VALUE;
            if (nextArrival <= wake) {
                now = Math.max(now, nextArrival);
                arrived++;
            } else {
                now = Math.max(now + 1, wake);
            }
        }
        return sent;
    }

    private static List<Long> realTime(long from, int frames, long jitter, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Long> list = new ArrayList<>();
        for (int k = 0; k < frames; k++) {
            long at = from + k * FRAME + (jitter == 0 ? 0 : random.nextLong(-jitter, jitter + 1));
            list.add(list.isEmpty() ? at : Math.max(at, list.getLast())); // a stream keeps its order
        }
        return list;
    }

    /**
     * No window of 1 s holds more than 51 packets: any 52 in a row span more than a second, and with
     * a loop that wakes equally late every time, at least 51 slots slewed as far as they may.
     */
    private static void assertRealTime(List<Sent> sent) {
        for (int i = 0; i + 51 < sent.size(); i++) {
            long span = sent.get(i + 51).at() - sent.get(i).at();
            assertTrue(span > 1000 * MS && span >= 51 * (FRAME - PlayoutClock.SLEW),
                    "packets " + i + "-" + (i + 51) + " within " + span / 1000 + " us");
        }
    }

    /** Every frame, in order, none twice; and when frame k left, relative to its arrival. */
    private static long[] delays(List<Sent> sent, List<Long> arrivals) {
        long[] delay = new long[arrivals.size()];
        int k = 0;
        for (Sent s : sent) {
            if (s.voice()) {
                assertEquals(k, s.frame());
                delay[k] = s.at() - arrivals.get(k);
                k++;
            }
        }
        assertEquals(arrivals.size(), k, "every frame sent");
        return delay;
    }

    @Test
    void aSilentBotGetsOneFillerPerSlot() {
        List<Sent> sent = play(List.of(), 1000 * MS, 0);
        assertEquals(50, sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(i * FRAME, sent.get(i).at());
        }
    }

    @Test
    void aBotInStepWaitsForTheGridsNextSlotOnceAndThenKeepsItWithNoFillerBetween() {
        List<Long> frames = realTime(205 * MS, 100, 0, 0);
        List<Sent> sent = play(frames, 2300 * MS, 0);
        assertRealTime(sent);
        long[] delay = delays(sent, frames);
        // The first frame waits for the grid's next slot (220 ms); then the grid slews earlier frame by
        // frame until frames leave on arrival.
        for (int k = 0; k < 100; k++) {
            assertEquals(Math.max(0, 15 * MS - k * PlayoutClock.SLEW), delay[k], "frame " + k);
        }
        long fillersDuring = sent.stream().filter(s -> !s.voice() && s.at() > 220 * MS && s.at() < 2200 * MS).count();
        assertEquals(0, fillersDuring);
    }

    @Test
    void aLateFrameMovesTheGridByItsLatenessInsteadOfAddingAPacket() {
        List<Long> frames = new ArrayList<>(realTime(FRAME, 50, 0, 0)); // each exactly at a slot of the grid
        frames.set(20, 21 * FRAME + 12 * MS); // 12 ms late, then on time again
        List<Sent> sent = play(frames, 1200 * MS, 0);
        assertRealTime(sent);
        long[] delay = delays(sent, frames);
        assertEquals(0, delay[19]);
        assertEquals(0, delay[20], "sent on arrival");
        assertEquals(12 * MS, delay[21], "the grid moved 12 ms: the playout delay grew by the lateness");
        for (int k = 22; k < 50; k++) {
            assertEquals(12 * MS - (k - 21) * PlayoutClock.SLEW, delay[k], "frame " + k + ": the grid slews back");
        }
        assertEquals(0, sent.stream().filter(s -> !s.voice() && s.at() >= FRAME && s.at() < 1000 * MS).count(),
                "no filler while the bot sends");
    }

    @Test
    void jitterOfFifteenMillisecondsSettlesAtABoundedDelayWithEveryFrameAndNoExtraPacket() {
        for (long seed = 1; seed <= 20; seed++) {
            List<Long> frames = realTime(3 * MS, 1500, 15 * MS, seed); // 30 s
            List<Sent> sent = play(frames, 30_200 * MS, 0);
            assertRealTime(sent);
            long[] delay = delays(sent, frames);
            // Frame k's real-time slot is 3 ms + 20k; the latest frame is 15 ms after it, one that
            // comes after a filler waits a slot more.
            long startLag = delay[10] + frames.get(10) - (3 * MS + 10 * FRAME);
            long endLag = delay[1499] + frames.get(1499) - (3 * MS + 1499 * FRAME);
            assertTrue(endLag <= 35 * MS && endLag - startLag <= 50 * MS,
                    "seed " + seed + ": the grid went from " + startLag / MS + " to " + endLag / MS + " ms behind the bot's clock");
            long fillers = sent.stream().filter(s -> !s.voice() && s.at() > 50 * MS && s.at() < 29_900 * MS).count();
            assertTrue(fillers <= 1, "seed " + seed + ": " + fillers + " fillers inside the stream");
        }
    }

    @Test
    void burstsFasterThanRealTimeLeaveOneSlotApart() {
        List<Long> frames = new ArrayList<>();
        for (int burst = 0; burst < 20; burst++) {
            for (int i = 0; i < 5; i++) {
                frames.add(burst * 5 * FRAME + 80 * MS); // five at once, every 100 ms
            }
        }
        List<Sent> sent = play(frames, 2300 * MS, 0);
        assertRealTime(sent);
        long[] delay = delays(sent, frames);
        for (int k = 0; k < frames.size(); k++) {
            // One slot apart, the grid slewing earlier while the rest of the burst waits.
            long want = (k % 5) * FRAME;
            assertTrue(delay[k] <= want && delay[k] >= want - (k % 5) * PlayoutClock.SLEW, "frame " + k + ": " + delay[k]);
        }
    }

    @Test
    void aBotSlowerThanRealTimeGetsFillersBetweenItsFramesOnceTheDriftIsSpent() {
        List<Long> frames = new ArrayList<>();
        for (int k = 0; k < 200; k++) {
            frames.add(k * 22 * MS + MS);
        }
        List<Sent> sent = play(frames, 4500 * MS, 0);
        assertRealTime(sent);
        long[] delay = delays(sent, frames);
        // Each frame is 2 ms later than the last against the grid: first the wait for the grid's slot
        // shrinks, then the grid moves with the frames until the 40 ms allowed; then a filler every 11 slots.
        for (int k = 30; k < 200; k++) {
            assertTrue(delay[k] < FRAME, "frame " + k + " waited " + delay[k] / MS + " ms");
        }
        long inStream = sent.stream().filter(s -> s.at() >= 1000 * MS && s.at() < 4000 * MS).count();
        assertTrue(inStream >= 149 && inStream <= 151, "still 50 packets a second: " + inStream + " in 3 s");
    }

    @Test
    void aLoopThatWakesLateKeepsTheGridInsteadOfDrifting() {
        List<Long> frames = realTime(0, 400, 0, 0);
        frames.replaceAll(t -> 0L); // 8 s of audio queued at once: only the grid paces it
        List<Sent> sent = play(frames, 8100 * MS, 3 * MS);
        assertRealTime(sent);
        delays(sent, frames);
        long span = sent.get(399).at() - sent.get(0).at();
        assertTrue(span <= 399 * FRAME + 3 * MS, "400 frames over " + span / MS + " ms: a late wake-up must not add up");
    }

    /**
     * An echo bot's frames as the bench sees them: real time, in no phase with the grid the call's
     * fillers set up, a little jitter, and now and then a frame 15 ms late; an echo never pauses, so
     * no talkspurt ever ends. What a late frame, or the starting phase, added to the wait must come
     * back down before the next late frame, not stand for the rest of the call.
     */
    @Test
    void anEchoThatNeverPausesGetsBackTheDelayALateFrameOrTheStartingPhaseAdded() {
        for (long seed = 1; seed <= 10; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<Long> frames = realTime(5 * MS + random.nextLong(FRAME), 3000, 2 * MS, seed); // 60 s
            List<Integer> late = new ArrayList<>();
            for (int k = 100; k < frames.size(); k += 100 + random.nextInt(100)) {
                frames.set(k, frames.get(k - 1) + FRAME + 15 * MS); // 15 ms late, once every 2-4 s
                late.add(k);
            }
            for (int k = 1; k < frames.size(); k++) {
                frames.set(k, Math.max(frames.get(k), frames.get(k - 1)));
            }
            List<Sent> sent = play(frames, 60_200 * MS, 0);
            assertRealTime(sent);
            long[] delay = delays(sent, frames);
            for (int k : late) {
                assertTrue(delay[k - 1] < 5 * MS, String.format(Locale.ROOT,
                        "seed %d: frame %d, before the late one, waited %.1f ms", seed, k - 1, (double) delay[k - 1] / MS));
            }
            // The drift cap counts the net move: 15 ms late frames every few seconds never exhaust it,
            // so none of them is replaced by a filler.
            long fillers = sent.stream().filter(x -> !x.voice() && x.at() > frames.getFirst() + FRAME && x.at() < frames.getLast()).count();
            assertEquals(0, fillers, "seed " + seed + ": fillers inside the stream");
            double lastTen = mean(delay, 2500, 3000);
            assertTrue(lastTen < 8 * MS, String.format(Locale.ROOT, "seed %d: frames waited %.1f ms on average in 50-60 s",
                    seed, lastTen / MS));
        }
    }

    private static double mean(long[] values, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        return (double) sum / (to - from);
    }

    @Test
    void aSlewedGridWithOneLateWakeUpStillSpendsASecondOnFiftyTwoPackets() {
        List<Long> frames = realTime(0, 400, 0, 0);
        frames.replaceAll(t -> 0L); // all queued: the grid slews on every packet
        // The loop wakes 9.9 ms late (just short of a restart) for every 52nd packet, on time otherwise.
        List<Sent> sent = play(frames, 8100 * MS, packets -> packets % 52 == 0 ? 9_900_000L : 0);
        delays(sent, frames);
        for (int i = 0; i + 51 < sent.size(); i++) {
            long span = sent.get(i + 51).at() - sent.get(i).at();
            // The slots alone would give 51 x 19.81 - 9.9 = 1,000.41 ms; the clock holds a margin for the send.
            assertTrue(span >= 1001 * MS, "packets " + i + "-" + (i + 51) + " within " + span / 1000 + " us");
        }
    }

    @Test
    void aStallRestartsTheGridInsteadOfBursting() {
        List<Long> frames = new ArrayList<>(realTime(0, 100, 0, 0));
        for (int k = 40; k < 45; k++) {
            frames.set(k, 45 * FRAME); // 100 ms of the bot's audio arrives at once
        }
        List<Sent> sent = play(frames, 2200 * MS, 0);
        assertRealTime(sent);
        delays(sent, frames);
    }

    @Test
    void holdIsAtMostAFrame() {
        assertThrows(IllegalArgumentException.class, () -> new PlayoutClock(21 * MS));
    }
}
