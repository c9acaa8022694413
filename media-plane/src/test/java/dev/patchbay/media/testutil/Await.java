package dev.patchbay.media.testutil;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, polling briefly: no test waits unbounded, and none sleeps a
 * fixed time. The one copy for every module's tests (control-plane, e2e and deploy-tests use this test-jar).
 */
public final class Await {

    private Await() {
    }

    public static void until(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        until(condition, timeout, () -> what);
    }

    /** {@code what} is computed on timeout, so it can show the state that did not match. */
    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
            }
            Thread.sleep(10);
        }
    }

    /**
     * As above, checking every {@code poll}, for conditions that cost a query or a process each; the
     * message is built only on a timeout (e.g. to quote a log's end).
     */
    public static void until(BooleanSupplier condition, Duration timeout, Duration poll, Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
            }
            Thread.sleep(poll.toMillis());
        }
    }

    /**
     * That {@code condition} stays true for the whole {@code window}, failing the moment it turns false:
     * for what must not happen within a time, such as a timer that must not fire. The window is the
     * claim itself; a test that waits for something uses {@link #until}.
     */
    public static void holds(BooleanSupplier condition, Duration window, String what) throws InterruptedException {
        long end = System.nanoTime() + window.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("within " + window + ": " + what);
            }
            Thread.sleep(10);
        } while (System.nanoTime() < end);
    }
}
