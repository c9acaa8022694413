package dev.patchbay.control.delivery;

import java.time.Duration;

import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * Delivery settings from {@code patchbay.control.outbox.*}. With the shipped defaults a row is retried
 * 1 s, 2 s, 4 s ... up to every 10 min, 150 attempts in all: about 24 h before it turns 'failed'.
 *
 * @param clientErrorMaxAttempts attempts after which a 4xx (other than 408/425/429) is final
 */
public record OutboxConfig(Duration pollInterval, int concurrency, Duration timeout, Duration initialBackoff,
                           Duration maxBackoff, int maxAttempts, int clientErrorMaxAttempts) {

    private static final String P = "patchbay.control.outbox.";

    public OutboxConfig {
        if (initialBackoff.compareTo(maxBackoff) > 0) {
            throw new IllegalStateException(P + "initial-backoff (" + initialBackoff + ") exceeds " + P
                    + "max-backoff (" + maxBackoff + "): make the cap the larger");
        }
    }

    /** The shipped application.yaml alone, without environment or system properties. */
    public static OutboxConfig defaults() {
        return from(ShippedDefaults.root(OutboxConfig.class));
    }

    /** Reads every setting; defaults live only in application.yaml. */
    public static OutboxConfig from(Config root) {
        return new OutboxConfig(
                ConfigDurations.require(root, P + "poll-interval"),
                ConfigDurations.requirePositiveInt(root, P + "concurrency"),
                ConfigDurations.require(root, P + "timeout"),
                ConfigDurations.require(root, P + "initial-backoff"),
                ConfigDurations.require(root, P + "max-backoff"),
                ConfigDurations.requirePositiveInt(root, P + "max-attempts"),
                ConfigDurations.requirePositiveInt(root, P + "client-error-max-attempts"));
    }

    /**
     * How long a claim holds a row: longer than one whole exchange (redirects included) can take,
     * so a slow delivery is never taken over by a second worker while it is still running.
     */
    public Duration lease() {
        return timeout.multipliedBy(2).plusSeconds(30);
    }

    public OutboxConfig withPollInterval(Duration pollInterval) {
        return new OutboxConfig(pollInterval, concurrency, timeout, initialBackoff, maxBackoff, maxAttempts,
                clientErrorMaxAttempts);
    }

    public OutboxConfig withConcurrency(int concurrency) {
        return new OutboxConfig(pollInterval, concurrency, timeout, initialBackoff, maxBackoff, maxAttempts,
                clientErrorMaxAttempts);
    }

    public OutboxConfig withTimeout(Duration timeout) {
        return new OutboxConfig(pollInterval, concurrency, timeout, initialBackoff, maxBackoff, maxAttempts,
                clientErrorMaxAttempts);
    }

    public OutboxConfig withInitialBackoff(Duration initialBackoff) {
        return new OutboxConfig(pollInterval, concurrency, timeout, initialBackoff, maxBackoff, maxAttempts,
                clientErrorMaxAttempts);
    }

    public OutboxConfig withMaxBackoff(Duration maxBackoff) {
        return new OutboxConfig(pollInterval, concurrency, timeout, initialBackoff, maxBackoff, maxAttempts,
                clientErrorMaxAttempts);
    }

    public OutboxConfig withMaxAttempts(int maxAttempts) {
        return new OutboxConfig(pollInterval, concurrency, timeout, initialBackoff, maxBackoff, maxAttempts,
                clientErrorMaxAttempts);
    }

    public OutboxConfig withClientErrorMaxAttempts(int clientErrorMaxAttempts) {
        return new OutboxConfig(pollInterval, concurrency, timeout, initialBackoff, maxBackoff, maxAttempts,
                clientErrorMaxAttempts);
    }
}
