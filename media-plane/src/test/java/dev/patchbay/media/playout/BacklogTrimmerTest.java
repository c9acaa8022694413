package dev.patchbay.media.playout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BacklogTrimmerTest {

    private static final byte[] FRAME = new byte[160];

    /** One 20 ms tick: the bot offers {@code offered} frames, then the media loop trims and plays one. */
    private static int tick(PlayoutQueue q, BacklogTrimmer t, int offered) {
        for (int i = 0; i < offered; i++) {
            q.offer(FRAME, 0);
        }
        int dropped = t.tick(q);
        q.poll(new byte[160], 0);
        return dropped;
    }

    @Test
    void aStandingBacklogFedInRealTimeIsTrimmedToTheFloorOnce() {
        PlayoutQueue q = new PlayoutQueue(250, 160, 16);
        BacklogTrimmer t = new BacklogTrimmer(50, 2);
        tick(q, t, 6); // a burst at set-up: 5 frames stay queued from now on
        int dropped = 0;
        for (int i = 1; i < 50; i++) {
            dropped += tick(q, t, 1);
        }
        // The trimmer looks after the bot's frame arrived and before this tick's is taken: 6 queued.
        assertEquals(4, dropped, "6 queued at every tick, floor 2: 4 frames dropped at the window's end");
        assertEquals(1, q.queuedFrames(), "after this tick's frame, one frame of margin remains");
        for (int i = 0; i < 200; i++) {
            assertEquals(0, tick(q, t, 1), "no further trims once at the floor");
        }
        assertEquals(4, t.trimmed());
    }

    @Test
    void speechQueuedAheadIsNeverCut() {
        PlayoutQueue q = new PlayoutQueue(250, 160, 16);
        BacklogTrimmer t = new BacklogTrimmer(50, 2);
        tick(q, t, 200); // four seconds of TTS at once, then nothing: the queue drains
        for (int i = 0; i < 220; i++) {
            assertEquals(0, tick(q, t, 0));
        }
        PlayoutQueue fast = new PlayoutQueue(250, 160, 16);
        BacklogTrimmer f = new BacklogTrimmer(50, 2);
        for (int i = 0; i < 200; i++) {
            assertEquals(0, tick(fast, f, 2), "a bot running ahead of real time is not trimmed");
        }
    }

    @Test
    void marksInTrimmedAudioAreReportedAsPlayed() {
        PlayoutQueue q = new PlayoutQueue(250, 160, 16);
        BacklogTrimmer t = new BacklogTrimmer(2, 1);
        java.util.List<String> played = new java.util.ArrayList<>();
        q.offer(FRAME, 0);
        q.mark("m");
        q.offer(FRAME, 0);
        q.offer(FRAME, 0);
        q.offer(FRAME, 0);
        tick(q, t, 1);
        tick(q, t, 1);
        q.reportDueMarks((name, cleared) -> played.add(name + (cleared ? " cleared" : "")));
        assertEquals(java.util.List.of("m"), played);
    }
}
