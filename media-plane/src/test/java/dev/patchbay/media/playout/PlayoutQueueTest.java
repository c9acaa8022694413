package dev.patchbay.media.playout;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlayoutQueueTest {

    private final List<String> reported = new ArrayList<>();
    private final PlayoutQueue.MarkListener listener = (name, cleared) -> reported.add(name + (cleared ? ":cleared" : ":played"));

    private static byte[] frame(int value) {
        byte[] f = new byte[4];
        java.util.Arrays.fill(f, (byte) value);
        return f;
    }

    private int next(PlayoutQueue q) {
        byte[] dst = new byte[6];
        return q.poll(dst, 2) ? dst[2] : -1;
    }

    @Test
    void playsInOrderAndReportsMarkAfterItsAudio() {
        PlayoutQueue q = new PlayoutQueue(8, 4, 16);
        q.offer(frame(1), 0);
        q.offer(frame(2), 0);
        q.mark("greeting");
        q.offer(frame(3), 0);

        assertEquals(1, next(q));
        q.reportDueMarks(listener);
        assertTrue(reported.isEmpty(), "frame 2 has not played yet");
        assertEquals(2, next(q));
        q.reportDueMarks(listener);
        assertEquals(List.of("greeting:played"), reported);
        assertEquals(3, next(q));
        assertEquals(-1, next(q));
    }

    @Test
    void fullQueueDropsOldestAndCounts() {
        PlayoutQueue q = new PlayoutQueue(3, 4, 16);
        for (int i = 1; i <= 5; i++) {
            q.offer(frame(i), 0);
        }
        assertEquals(2, q.overflowed());
        assertEquals(3, next(q));
        assertEquals(4, next(q));
        assertEquals(5, next(q));
        assertEquals(-1, next(q));
    }

    @Test
    void clearDropsQueuedAudioAndReportsPendingMarksAsCleared() {
        PlayoutQueue q = new PlayoutQueue(8, 4, 16);
        q.offer(frame(1), 0);
        q.mark("a");
        q.offer(frame(2), 0);
        q.mark("b");
        q.clear();
        q.offer(frame(9), 0);
        q.mark("c");

        q.applyClear(listener);
        assertEquals(List.of("a:cleared", "b:cleared"), reported);
        assertEquals(9, next(q), "audio sent after the clear survives it");
        q.reportDueMarks(listener);
        assertEquals(List.of("a:cleared", "b:cleared", "c:played"), reported);
        q.applyClear(listener);
        assertEquals(3, reported.size(), "a clear is applied once");
    }

    @Test
    void markWithNothingQueuedIsDueAtOnce() {
        PlayoutQueue q = new PlayoutQueue(4, 4, 16);
        q.mark("now");
        q.reportDueMarks(listener);
        assertEquals(List.of("now:played"), reported);
    }

    @Test
    void pendingMarksAreBounded() {
        PlayoutQueue q = new PlayoutQueue(4, 4, 2);
        assertTrue(q.mark("1"));
        assertTrue(q.mark("2"));
        assertFalse(q.mark("3"));
        q.reportDueMarks(listener);
        assertTrue(q.mark("3"), "reported marks free their slots");
    }

    @Test
    void producerAndConsumerOnTwoThreadsNeverTearAFrame() throws InterruptedException {
        PlayoutQueue q = new PlayoutQueue(16, 64, 16);
        int frames = 200_000;
        Thread producer = new Thread(() -> {
            byte[] f = new byte[64];
            for (int i = 0; i < frames; i++) {
                java.util.Arrays.fill(f, (byte) i);
                q.offer(f, 0);
            }
        });
        producer.start();
        byte[] dst = new byte[64];
        int last = -1;
        long seen = 0;
        while (producer.isAlive() || q.queuedFrames() > 0) {
            if (q.poll(dst, 0)) {
                for (byte b : dst) {
                    assertEquals(dst[0], b, "a frame must never mix two writes");
                }
                seen++;
                last = dst[0];
            }
        }
        producer.join();
        assertEquals(frames, seen + q.overflowed(), "every frame is either played or counted as dropped");
        assertEquals((byte) (frames - 1), (byte) last);
    }
}
