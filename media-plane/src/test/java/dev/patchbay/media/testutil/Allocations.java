package dev.patchbay.media.testutil;

import java.lang.management.ManagementFactory;

/**
 * Measures what the current thread allocates, so hot-path tests can assert "nothing per packet"
 * rather than trust a code review. Tests that use it are tagged {@code allocation}: the build runs them in a
 * JVM without escape analysis (the parent pom says why), so a bound cannot pass or fail on what the JIT inlined.
 */
public final class Allocations {

    private Allocations() {
    }

    /**
     * Runs {@code body} {@code iterations} times after a warm-up of the same size, in up to five
     * rounds, and returns the fewest bytes the current thread allocated in one round.
     *
     * <p>The minimum is the steady state: JIT transitions (a deoptimisation, an intrinsic stub
     * being installed) can allocate a few KB once, and a shared CI machine makes their timing
     * random. A real per-packet allocation is at least 16 bytes per call and so shows in every
     * round.
     */
    public static long measure(int iterations, Runnable body) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < iterations; i++) {
            body.run();
        }
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < 5 && fewest > 0; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < iterations; i++) {
                body.run();
            }
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return fewest;
    }
}
