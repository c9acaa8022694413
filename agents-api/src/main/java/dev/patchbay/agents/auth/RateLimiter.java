package dev.patchbay.control.agents.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;

/**
 * Requests per key per clock hour, counted in the database so that every replica shares one
 * count. A fixed window is what the seed's "1000 requests/hour" describes and what clients can
 * predict from {@code Retry-After}.
 */
public final class RateLimiter {

    /** The outcome for one request: allowed or not, the remaining budget, and when the window resets. */
    public record Verdict(boolean allowed, int limit, int remaining, long resetSeconds) { }

    private static final String BUMP = "UPDATE api_rate_windows SET requests = requests + 1 WHERE key_id = ? AND window_start = ?";
    private static final String INSERT = "INSERT INTO api_rate_windows (key_id, window_start, requests) VALUES (?, ?, 1)";
    private static final String READ = "SELECT requests FROM api_rate_windows WHERE key_id = ? AND window_start = ?";
    private static final String PURGE = "DELETE FROM api_rate_windows WHERE window_start < ?";

    private final DbClient db;
    private final Clock clock;
    private final int perHour;

    public RateLimiter(DbClient db, Clock clock, int perHour) {
        this.db = db;
        this.clock = clock;
        this.perHour = perHour;
    }

    private Verdict attempt(String key) {
        Instant now = clock.instant();
        Instant window = now.truncatedTo(ChronoUnit.HOURS);
        long reset = Math.max(1, Duration.between(now, window.plus(1, ChronoUnit.HOURS)).toSeconds());
        int count = Db.inTransaction(db, tx -> {
            if (tx.dml(BUMP, key, Db.utc(window)) == 0) {
                try {
                    tx.insert(INSERT, key, Db.utc(window));
                } catch (DbClientException e) {
                    if (!Db.uniqueViolation(e)) {
                        throw e;
                    }
                    throw new Raced();
                }
            }
            return tx.get(READ, key, Db.utc(window)).map(r -> ((Number) Db.columns(r).get("requests")).intValue()).orElse(1);
        });
        return new Verdict(count <= perHour, perHour, Math.max(0, perHour - count), reset);
    }

    /** Old windows are useless once their hour has passed. */
    public void purge() {
        db.execute().dml(PURGE, Db.utc(clock.instant().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS)));
    }

    /** Two first requests of a window raced on the insert; the caller retries and bumps the winner's row. */
    static final class Raced extends RuntimeException {
        Raced() {
            super(null, null, false, false);
        }
    }

    /** Counts one request of {@code key} and says whether it is within the hourly limit. */
    public Verdict hit(String key) {
        try {
            return attempt(key);
        } catch (Raced e) {
            return attempt(key);
        }
    }
}
