package dev.patchbay.media.playout;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The send pacer driven by exact schedules: ticks every 20 ms at a fixed phase, bot frames arriving
 * at chosen times. Each test plays the schedule the way {@code CallerPlayout} does (when a frame
 * lands in an empty queue, queued frames are sent while voice is due; a tick does the same, else
 * sends a filler if one is due) and checks when every packet left.
 */
class SendPacerTest {

    private static final long MS = 1_000_000L;

    /** A packet that left: when, and whether it carried bot audio. */
    private record Sent(long at, boolean voice) { }

    /**
     * Plays ticks at 0, 20, 40 ... and bot frames at {@code arrivals} (sorted), until {@code end}.
     */
    private static List<Sent> play(SendPacer pacer, List<Long> arrivals, long end) {
        List<Sent> sent = new ArrayList<>();
        int queued = 0;
        int next = 0;
        for (long tick = 0; tick < end; tick += 20 * MS) {
            while (next < arrivals.size() && arrivals.get(next) < tick) {
                long at = arrivals.get(next++);
                boolean wasEmpty = queued == 0;
                queued++;
                while (wasEmpty && queued > 0 && pacer.voiceDue(at)) {
                    queued--;
                    pacer.sent(at, true);
                    sent.add(new Sent(at, true));
                }
            }
            if (queued > 0 && pacer.voiceDue(tick)) {
                while (queued > 0 && pacer.voiceDue(tick)) {
                    queued--;
                    pacer.sent(tick, true);
                    sent.add(new Sent(tick, true));
                }
            } else if (pacer.fillerDue(tick)) {
                pacer.sent(tick, false);
                sent.add(new Sent(tick, false));
            }
        }
        return sent;
    }

    private static List<Long> every20(long from, int frames) {
        List<Long> list = new ArrayList<>();
        for (int k = 0; k < frames; k++) {
            list.add(from + k * 20 * MS);
        }
        return list;
    }

    @Test
    void aSilentBotGetsAFillerOnEveryTick() {
        List<Sent> sent = play(new SendPacer(), List.of(), 1000 * MS);
        assertEquals(50, sent.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(new Sent(i * 20 * MS, false), sent.get(i));
        }
    }

    @Test
    void aRealTimeBotIsSentOnArrivalWhateverItsPhase() {
        for (long phase = 1; phase < 20; phase++) {
            List<Long> frames = every20(200 * MS + phase * MS, 100);
            List<Sent> sent = play(new SendPacer(), frames, 2400 * MS);
            List<Sent> voice = sent.stream().filter(Sent::voice).toList();
            assertEquals(100, voice.size(), "phase " + phase);
            for (int k = 0; k < 100; k++) {
                assertEquals(frames.get(k), voice.get(k).at(), "phase " + phase + " ms, frame " + k + " waited");
            }
            long fillersWhileStreaming = sent.stream()
                    .filter(s -> !s.voice() && s.at() > frames.get(0) && s.at() < frames.get(99)).count();
            assertEquals(0, fillersWhileStreaming, "phase " + phase + " ms: no filler took a bot frame's slot");
        }
    }

    @Test
    void aBurstAheadOfRealTimeLeavesAtFiftyPacketsASecond() {
        List<Long> burst = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            burst.add(105 * MS); // a second of TTS at once
        }
        List<Sent> voice = play(new SendPacer(), burst, 2000 * MS).stream().filter(Sent::voice).toList();
        assertEquals(50, voice.size());
        for (int k = 0; k < 4; k++) {
            assertEquals(105 * MS, voice.get(k).at(), "frame " + k + " at once: fillers spent no credit, so four slots were there");
        }
        assertEquals(120 * MS, voice.get(4).at(), "the fifth on the next tick, with 15 ms of credit");
        for (int k = 5; k < 50; k++) {
            assertEquals(20 * MS, voice.get(k).at() - voice.get(k - 1).at(), "frame " + k + " one slot after the last");
        }
    }

    @Test
    void twoFramesThatArriveTogetherAfterAStallBothLeaveAndTheNextIsOnArrival() {
        List<Long> frames = new ArrayList<>(every20(203 * MS, 30));
        frames.set(10, frames.get(11)); // frame 10 held up 20 ms upstream: 10 and 11 arrive together
        List<Sent> voice = play(new SendPacer(), frames, 1000 * MS).stream().filter(Sent::voice).toList();
        assertAllOnArrival(frames, voice);
    }

    @Test
    void aBotThatMissesAFrameGetsOneFillerAndIsThenOnArrivalAgain() {
        List<Long> frames = new ArrayList<>(every20(203 * MS, 50));
        frames.remove(20); // the bot skips one
        List<Sent> sent = play(new SendPacer(), frames, 1400 * MS);
        long missedAt = 203 * MS + 20 * 20 * MS;
        List<Sent> fillers = sent.stream().filter(s -> !s.voice() && s.at() > 203 * MS && s.at() < 203 * MS + 49 * 20 * MS).toList();
        assertEquals(1, fillers.size(), "one filler in the missed slot: " + fillers);
        assertTrue(fillers.get(0).at() > missedAt && fillers.get(0).at() < missedAt + 20 * MS);
        for (Sent s : sent) {
            if (s.voice()) {
                assertTrue(frames.contains(s.at()), "every bot frame on arrival; one left at " + s.at() / MS + " ms");
            }
        }
    }

    @Test
    void aFrameLateEnoughToGetAFillerIsStillSentOnArrivalAndSoIsTheNext() {
        List<Long> frames = new ArrayList<>(every20(203 * MS, 30));
        frames.set(10, frames.get(10) + 19 * MS); // 19 ms late: the tick at 420 ms sends a filler first
        List<Sent> sent = play(new SendPacer(), frames, 1000 * MS);
        List<Sent> voice = sent.stream().filter(Sent::voice).toList();
        assertAllOnArrival(frames, voice);
        assertTrue(sent.contains(new Sent(420 * MS, false)), "the late frame's slot got a filler: " + sent);
    }

    @Test
    void threeFramesHeldUpTogetherBy60MsAllLeaveAtOnceAndTheNextIsOnArrival() {
        List<Long> frames = new ArrayList<>(every20(203 * MS, 30));
        frames.set(10, frames.get(12)); // a 60 ms stall upstream: 10, 11 and 12 arrive together
        frames.set(11, frames.get(12));
        List<Sent> voice = play(new SendPacer(), frames, 1000 * MS).stream().filter(Sent::voice).toList();
        assertAllOnArrival(frames, voice);
    }

    @Test
    void aSkippedBacklogFrameGivesItsSlotToTheNextFrame() {
        SendPacer pacer = new SendPacer();
        for (int k = 0; k < 4; k++) {
            pacer.sent(k * MS / 4, true); // credit spent: 80 - 4 x 20 + 0.75 ms
        }
        assertTrue(!pacer.voiceDue(2 * MS), "no credit left after four packets in 1 ms");
        pacer.skipped(1);
        assertTrue(pacer.voiceDue(2 * MS), "the dropped frame's slot is the next frame's");
    }

    /** Every bot frame was sent, each the moment it arrived. */
    private static void assertAllOnArrival(List<Long> frames, List<Sent> voice) {
        assertEquals(frames.size(), voice.size());
        for (int k = 0; k < frames.size(); k++) {
            assertEquals(frames.get(k), voice.get(k).at(), "frame " + k + " on arrival");
        }
    }
}
