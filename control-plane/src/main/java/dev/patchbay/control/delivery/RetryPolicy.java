package dev.patchbay.control.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What to do with a row after one delivery attempt.
 *
 * <p>Server errors, timeouts, refused connections and 408/425/429 are transient: retry with
 * exponential backoff until {@code max-attempts}. Other 4xx answers usually mean a receiver that is
 * misconfigured (404 while a deploy rolls, 401 during a secret rotation), which an operator fixes in
 * minutes, so they get {@code client-error-max-attempts} tries (about a minute) before the row turns
 * 'failed' - between Twilio, which gives up on the first error, and Stripe, which retries anything
 * for days. 410 Gone is final at once, as is an SSRF refusal, which no retry can change.
 */
public final class RetryPolicy {

    /** The next state of a row. */
    public sealed interface Decision {
        record Delivered(int status) implements Decision { }

        record RetryIn(Duration delay, Integer status, String error) implements Decision { }

        record Fail(Integer status, String error) implements Decision { }
    }

    private final OutboxConfig config;

    public RetryPolicy(OutboxConfig config) {
        this.config = config;
    }

    /**
     * @param attempt the 1-based number of the attempt that just ended
     */
    public Decision decide(OutboundHttp.Outcome outcome, int attempt) {
        return switch (outcome) {
            case OutboundHttp.Outcome.Response r when r.status() >= 200 && r.status() < 300 ->
                    new Decision.Delivered(r.status());
            case OutboundHttp.Outcome.Response r when r.status() == 410 ->
                    new Decision.Fail(410, "receiver answered 410 Gone: it no longer accepts these callbacks");
            case OutboundHttp.Outcome.Response r when transientStatus(r.status()) ->
                    retry(attempt, config.maxAttempts(), r.status(), "receiver answered " + r.status());
            case OutboundHttp.Outcome.Response r ->
                    retry(attempt, config.clientErrorMaxAttempts(), r.status(), "receiver answered " + r.status()
                            + "; check the callback URL and the receiver's signature check");
            case OutboundHttp.Outcome.Refused r -> new Decision.Fail(null, r.reason());
            case OutboundHttp.Outcome.Failed f when f.kind() == OutboundHttp.Failure.REDIRECTS ->
                    retry(attempt, config.clientErrorMaxAttempts(), null, f.message());
            case OutboundHttp.Outcome.Failed f -> retry(attempt, config.maxAttempts(), null, f.message());
        };
    }

    /** A retry that cannot happen because of configuration (no signing key) is transient too. */
    public Decision retryable(int attempt, String error) {
        return retry(attempt, config.maxAttempts(), null, error);
    }

    private Decision retry(int attempt, int limit, Integer status, String error) {
        if (attempt >= limit) {
            return new Decision.Fail(status, error + " (gave up after " + attempt + " attempts)");
        }
        return new Decision.RetryIn(backoff(attempt), status, error);
    }

    private static boolean transientStatus(int status) {
        return status >= 500 || status == 408 || status == 425 || status == 429;
    }

    /**
     * initial-backoff doubled per attempt, capped at max-backoff, times a jitter of 0.8 to 1.2 so
     * that rows failed together (a receiver outage) do not all come back in the same second.
     */
    public Duration backoff(int attempt) {
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, (long) (nominalBackoff(attempt).toMillis() * jitter)));
    }

    /** The backoff before jitter: initial-backoff * 2^(attempt-1), capped. */
    public Duration nominalBackoff(int attempt) {
        long initial = config.initialBackoff().toMillis();
        long cap = config.maxBackoff().toMillis();
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        return Duration.ofMillis(initial > (cap >> shift) ? cap : Math.min(cap, initial << shift));
    }
}
