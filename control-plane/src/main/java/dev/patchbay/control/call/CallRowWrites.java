package dev.patchbay.control.call;

import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.dbclient.DbClientException;

/**
 * Writes a call's first row after its route decision has gone (issue 17: the caller's 200 OK waits on
 * no write). A record must never be lost, so a database failure is tried again, and a write that still
 * fails throws: the call's handler then sends a late rejection, which ends the call on its media node
 * (a BYE once answered) rather than leaving a call the database knows nothing of.
 */
final class CallRowWrites {

    private static final Logger LOG = Logger.getLogger(CallRowWrites.class.getName());

    /** Waits before the second and third try: a pool briefly exhausted, a database fail-over under way. */
    private final List<Duration> backoff;

    CallRowWrites(List<Duration> backoff) {
        this.backoff = List.copyOf(backoff);
    }

    /** Tries twice more, after 100 ms and 500 ms. */
    static CallRowWrites standard() {
        return new CallRowWrites(List.of(Duration.ofMillis(100), Duration.ofMillis(500)));
    }

    /** Runs {@code write}; a {@link DbClientException} is tried again after each backoff, then rethrown. */
    void write(Runnable write) {
        for (int attempt = 0; ; attempt++) {
            try {
                write.run();
                return;
            } catch (DbClientException e) {
                if (attempt >= backoff.size()) {
                    throw new Unrecorded("a call row could not be written after " + (attempt + 1)
                            + " tries (" + e.getMessage() + "); the call is ended so none runs unrecorded", e);
                }
                int next = attempt + 2;
                LOG.log(Level.WARNING, () -> "writing a call row failed (" + e.getMessage() + "); try " + next
                        + " in " + backoff.get(next - 2).toMillis() + " ms");
                pause(backoff.get(attempt));
            }
        }
    }

    /** The row could not be written: the call must end. */
    static final class Unrecorded extends RuntimeException {
        Unrecorded(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d); // on the call's virtual thread: nothing else of this call may run before its row
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to write a call row again", e);
        }
    }
}
