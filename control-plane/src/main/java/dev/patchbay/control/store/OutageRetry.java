package dev.patchbay.control.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.config.Config;

/**
 * Runs a call's database work again while the database cannot be reached (a restart, a failover, a
 * cut network), so a hang-up or an event that happens meanwhile is written late instead of lost.
 * Only unreachability is retried; any other failure is thrown at once. The wait is bounded by
 * {@code patchbay.control.db.outage-retry}: what is still queued then is given up, each loss logged.
 * The caller's thread waits (a virtual thread per call step), and a call's later steps queue behind
 * it, so the events stay in order.
 */
public final class OutageRetry {

    private static final Logger LOG = Logger.getLogger(OutageRetry.class.getName());

    /** No retry: for tests of the store and tools that want the first failure. */
    public static final OutageRetry NONE = new OutageRetry(Duration.ZERO, Duration.ofMillis(1));

    private final Duration retryFor;
    private final Duration backoff;

    public OutageRetry(Duration retryFor, Duration backoff) {
        if (retryFor.isNegative() || backoff.isNegative() || backoff.isZero()) {
            throw new IllegalArgumentException("patchbay.control.db.outage-retry must be >= 0 and .outage-backoff > 0, got "
                    + retryFor + " and " + backoff);
        }
        this.retryFor = retryFor;
        this.backoff = backoff;
    }

    public static OutageRetry from(Config root) {
        Config db = root.get("patchbay.control.db");
        return new OutageRetry(db.get("outage-retry").as(Duration.class).get(), db.get("outage-backoff").as(Duration.class).get());
    }

    /** {@code work}'s result, trying again every backoff while the database is unreachable, up to the bound. */
    public <T> T run(String what, Supplier<T> work) {
        long deadline = System.nanoTime() + retryFor.toNanos();
        int attempts = 0;
        while (true) {
            try {
                T result = work.get();
                if (attempts > 0) {
                    int tried = attempts;
                    LOG.info(() -> what + ": done after " + tried + " retries, the database is reachable again");
                }
                return result;
            } catch (RuntimeException e) {
                if (!unreachable(e) || System.nanoTime() - deadline >= 0) {
                    if (attempts > 0) {
                        LOG.log(Level.SEVERE, what + " is lost: the database stayed unreachable for patchbay.control.db.outage-retry ("
                                + retryFor + "); raise it if outages last longer", e);
                    }
                    throw e;
                }
                if (attempts++ == 0) {
                    LOG.warning(() -> what + " waits for the database, unreachable: " + e.getMessage());
                }
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database", e);
        }
    }

    /**
     * True when the failure says the database was not reached or the session was cut: SQLState class
     * 08 (connection exception), 57P01-57P03 (the server shutting down or starting), or the pool's
     * timeout waiting for a connection.
     */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("08") || state.startsWith("57P");
            }
        }
        return false;
    }
}
