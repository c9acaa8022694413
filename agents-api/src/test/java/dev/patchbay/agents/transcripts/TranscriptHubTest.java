package dev.patchbay.agents.transcripts;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fan-out's promise to posters: a subscriber that stops reading is dropped, never waited for. */
class TranscriptHubTest {

    /** A sink whose sends block until released, like a socket whose peer stopped reading. */
    private static final class StuckSink implements TranscriptHub.Sink {
        final CountDownLatch release = new CountDownLatch(1);
        final BlockingQueue<String> sent = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();

        @Override
        public void send(String text) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sent.add(text);
        }

        @Override
        public void close(int code, String reason) {
            closed.add(code);
        }
    }

    @Test
    void aStuckSubscriberIsClosedWith1013WhileOthersKeepEverything() throws Exception {
        try (TranscriptHub hub = new TranscriptHub(4)) {
            StuckSink stuck = new StuckSink();
            StuckSink healthy = new StuckSink();
            healthy.release.countDown();
            hub.subscribe("CA1", stuck, "ready");
            hub.subscribe("CA1", healthy, "ready");
            assertEquals("ready", healthy.sent.poll(5, TimeUnit.SECONDS));
            // Paced as a bot posts: the healthy reader keeps up, the stuck one holds one send and fills its queue.
            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                hub.publish("CA1", List.of("m" + i));
                assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500), "posting never waits for a subscriber");
                assertEquals("m" + i, healthy.sent.poll(5, TimeUnit.SECONDS));
            }
            assertEquals(1, hub.subscribers("CA1"), "the stuck subscriber is dropped");
            stuck.release.countDown();
            assertEquals(TranscriptHub.TOO_SLOW, stuck.closed.poll(5, TimeUnit.SECONDS));
            assertEquals(List.of("ready"), List.copyOf(stuck.sent), "after the send it was stuck in, nothing more");
            assertTrue(healthy.closed.isEmpty());
        }
    }

    @Test
    void closingTheHubSaysGoingAway() throws Exception {
        StuckSink sink = new StuckSink();
        sink.release.countDown();
        TranscriptHub hub = new TranscriptHub(4);
        hub.subscribe("CA2", sink, "ready");
        assertEquals("ready", sink.sent.poll(5, TimeUnit.SECONDS));
        hub.close();
        assertEquals(TranscriptHub.GOING_AWAY, sink.closed.poll(5, TimeUnit.SECONDS));
        assertEquals(0, hub.subscribers("CA2"));
    }
}
