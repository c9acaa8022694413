package dev.patchbay.control.store;

import java.net.ServerSocket;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.patchbay.schema.testing.TestDb;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which failures wait out an outage, with the driver's real exceptions: a refused connection (nothing
 * listens on the port) is an outage; a SQL error from a reachable PostgreSQL is not, and is thrown at once.
 * The full restart is PostgresRestartChaosE2eTest.
 */
class OutageRetryTest {

    @Test
    void aRefusedConnectionIsAnOutageAndASqlErrorIsNot() throws Exception {
        assertTrue(OutageRetry.unreachable(new IllegalStateException(refused())), "connection refused (SQLState 08001)");
        assertFalse(OutageRetry.unreachable(new IllegalStateException(syntaxError())), "a syntax error (42601)");
        assertFalse(OutageRetry.unreachable(new IllegalStateException("no SQL cause")));
    }

    @Test
    void anOutageIsRetriedUntilTheWorkSucceeds() throws Exception {
        SQLException down = refused();
        AtomicInteger tries = new AtomicInteger();
        String result = new OutageRetry(Duration.ofSeconds(30), Duration.ofMillis(1)).run("test write", () -> {
            if (tries.incrementAndGet() < 4) {
                throw new IllegalStateException(down);
            }
            return "written";
        });
        assertEquals("written", result);
        assertEquals(4, tries.get(), "three failed tries, then the write");
    }

    @Test
    void otherFailuresAndOutagesPastTheBoundAreThrown() throws Exception {
        SQLException syntax = syntaxError();
        AtomicInteger tries = new AtomicInteger();
        OutageRetry retry = new OutageRetry(Duration.ofSeconds(30), Duration.ofMillis(1));
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> retry.run("test write", () -> {
            tries.incrementAndGet();
            throw new IllegalStateException(syntax);
        }));
        assertSame(syntax, thrown.getCause());
        assertEquals(1, tries.get(), "a SQL error is not retried");

        SQLException down = refused();
        assertThrows(IllegalStateException.class, () -> OutageRetry.NONE.run("test write", () -> {
            throw new IllegalStateException(down);
        }), "with no time to wait, the outage is thrown at once");
    }

    /** The driver's own exception for a port nothing listens on. */
    private static SQLException refused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/test?connectTimeout=5", "x", "")) {
            throw new AssertionError("something answered on port " + port);
        } catch (SQLException e) {
            return e;
        }
    }

    private static SQLException syntaxError() {
        try (TestDb db = new TestDb(); var c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
             var s = c.createStatement()) {
            s.execute("SELEC 1");
            throw new AssertionError("PostgreSQL accepted SELEC");
        } catch (SQLException e) {
            return e;
        }
    }
}
