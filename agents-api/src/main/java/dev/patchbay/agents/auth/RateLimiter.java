package dev.patchbay.agents.auth;

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
            if (tx.namedDml("rate-limiter-bump", key, Db.utc(window)) == 0) {
                try {
                    tx.namedInsert("rate-limiter-insert", key, Db.utc(window));
                } catch (DbClientException e) {
                    if (!Db.uniqueViolation(e)) {
                        throw e;
                    }
                    throw new Raced();
                }
            }
            return tx.namedGet("rate-limiter-read", key, Db.utc(window)).map(r -> ((Number) Db.columns(r).get("requests")).intValue()).orElse(1);
        });
        return new Verdict(count <= perHour, perHour, Math.max(0, perHour - count), reset);
    }

    /** Old windows are useless once their hour has passed. */
    public void purge() {
        db.execute().namedDml("rate-limiter-purge", Db.utc(clock.instant().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS)));
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
