package dev.patchbay.media.call;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tags and call ids drawn by many SIP threads at once: each thread has its own strong generator, so none
 * ever waits on another's monitor (the shared SecureRandom behind UUID.randomUUID made them queue), and
 * the tags stay unique and of the RFC 3261 form.
 */
class ThreadRandomTest {

    private static final int THREADS = 8;
    private static final int DRAWS = 20_000;

    private final ThreadRandom random = new ThreadRandom();

    @Test
    void eachThreadHasItsOwnStrongGenerator() throws Exception {
        AtomicReference<Object> other = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> other.set(random.current()));
        t.join();
        assertNotSame(random.current(), other.get());
        assertSame(random.current(), random.current(), "one generator per thread, kept");
        assertEquals("DRBG", random.current().getAlgorithm());
    }

    @Test
    void eightThreadsDrawingTagsNeverBlockOnAMonitorAndNeverRepeatATag() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Set<String> tags = ConcurrentHashMap.newKeySet();
        AtomicLong blocked = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            threads.add(Thread.ofPlatform().name("sip-" + i).start(() -> {
                try {
                    random.tag(); // the thread's generator is made (and seeded) before the count starts
                    start.await(30, TimeUnit.SECONDS);
                    long before = mx.getThreadInfo(Thread.currentThread().threadId()).getBlockedCount();
                    List<String> mine = new ArrayList<>(DRAWS);
                    for (int n = 0; n < DRAWS; n++) {
                        mine.add(random.tag());
                    }
                    blocked.addAndGet(mx.getThreadInfo(Thread.currentThread().threadId()).getBlockedCount() - before);
                    tags.addAll(mine);
                } catch (Exception e) {
                    failure.set(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertNull(failure.get());
        assertEquals(0, blocked.get(), "monitor waits while drawing tags");
        assertEquals(THREADS * DRAWS, tags.size(), "every tag unique");
        assertTrue(tags.stream().allMatch(t -> t.matches("[0-9a-f]{12}")), "48 bits as hex, a SIP token");
    }
}
