package dev.patchbay.control.delivery;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * Delivery settings from {@code patchbay.control.outbox.*}. With the defaults a row is retried
 * 1 s, 2 s, 4 s ... up to every 10 min, 150 attempts in all: about 24 h before it turns 'failed'.
 *
 * @param clientErrorMaxAttempts attempts after which a 4xx (other than 408/425/429) is final
 */
public record OutboxConfig(Duration pollInterval, int concurrency, Duration timeout, Duration initialBackoff,
                           Duration maxBackoff, int maxAttempts, int clientErrorMaxAttempts) {

    public static final OutboxConfig DEFAULTS = new OutboxConfig(Duration.ofSeconds(1), 16, Duration.ofSeconds(10),
            Duration.ofSeconds(1), Duration.ofMinutes(10), 150, 6);

    private static final String P = "patchbay.control.outbox.";

    public OutboxConfig {
        if (initialBackoff.compareTo(maxBackoff) > 0) {
            throw new IllegalStateException(P + "initial-backoff (" + initialBackoff + ") exceeds " + P
                    + "max-backoff (" + maxBackoff + "): make the cap the larger");
        }
    }

    public static OutboxConfig from(Config root) {
        OutboxConfig d = DEFAULTS;
        return new OutboxConfig(
                ConfigDurations.get(root, P + "poll-interval", d.pollInterval()),
                ConfigDurations.positiveInt(root, P + "concurrency", d.concurrency()),
                ConfigDurations.get(root, P + "timeout", d.timeout()),
                ConfigDurations.get(root, P + "initial-backoff", d.initialBackoff()),
                ConfigDurations.get(root, P + "max-backoff", d.maxBackoff()),
                ConfigDurations.positiveInt(root, P + "max-attempts", d.maxAttempts()),
                ConfigDurations.positiveInt(root, P + "client-error-max-attempts", d.clientErrorMaxAttempts()));
    }

    /**
     * How long a claim holds a row: longer than one whole exchange (redirects included) can take,
     * so a slow delivery is never taken over by a second worker while it is still running.
     */
    public Duration lease() {
        return timeout.multipliedBy(2).plusSeconds(30);
    }
}
