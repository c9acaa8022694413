package dev.patchbay.control.call;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.dbclient.DbClientException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A call row written after its decision is tried again on a database failure and never dropped silently. */
class CallRowWritesTest {

    private final CallRowWrites rows = new CallRowWrites(List.of(Duration.ZERO, Duration.ZERO));

    @Test
    void aWriteThatFailsOnceIsDoneOnTheSecondTry() {
        AtomicInteger tries = new AtomicInteger();
        rows.write(() -> {
            if (tries.incrementAndGet() == 1) {
                throw new DbClientException("connection is not available");
            }
        });
        assertEquals(2, tries.get());
    }

    @Test
    void aWriteThatKeepsFailingEndsTheCallInsteadOfLeavingItUnrecorded() {
        AtomicInteger tries = new AtomicInteger();
        CallRowWrites.Unrecorded e = assertThrows(CallRowWrites.Unrecorded.class, () -> rows.write(() -> {
            tries.incrementAndGet();
            throw new DbClientException("connection is not available");
        }));
        assertEquals(3, tries.get(), "one try and one per backoff");
        assertInstanceOf(DbClientException.class, e.getCause());
        assertTrue(e.getMessage().contains("3 tries"), e.getMessage());
    }

    @Test
    void otherFailuresAreNotRetried() {
        AtomicInteger tries = new AtomicInteger();
        assertThrows(IllegalArgumentException.class, () -> rows.write(() -> {
            tries.incrementAndGet();
            throw new IllegalArgumentException("a bug, not the database");
        }));
        assertEquals(1, tries.get());
    }
}
