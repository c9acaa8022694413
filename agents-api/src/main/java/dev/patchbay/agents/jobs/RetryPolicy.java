package dev.patchbay.agents.jobs;

import java.util.List;
import java.util.Optional;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;

/**
 * Seed 003's {@code retry_policy}: how many times a batch, scheduled or queued call is dialed in
 * all, and the seconds between attempts. A call is retried when it was not answered (busy, no
 * answer, failed) or the gateway was busy; never after an answered call, a bad request or an
 * empty wallet.
 */
public record RetryPolicy(int maxAttempts, int retryIntervalSeconds) {

    static final List<String> FIELDS = List.of("max_attempts", "retry_interval");

    /** The body's {@code retry_policy}, each field defaulting to {@code defaults}'; errors are added to {@code errors}. */
    static RetryPolicy read(JsonBody body, RetryPolicy defaults, List<FieldError> errors) {
        Optional<JsonBody> retry = body.nested("retry_policy", FIELDS);
        int attempts = retry.flatMap(p -> p.integer("max_attempts")).map(Long::intValue).orElse(defaults.maxAttempts());
        int interval = retry.flatMap(p -> p.integer("retry_interval")).map(Long::intValue).orElse(defaults.retryIntervalSeconds());
        if (attempts < 1 || attempts > 10) {
            errors.add(new FieldError("retry_policy.max_attempts", "must be 1 to 10"));
        }
        if (interval < 1 || interval > 86_400) {
            errors.add(new FieldError("retry_policy.retry_interval", "must be 1 to 86400 seconds"));
        }
        return new RetryPolicy(attempts, interval);
    }
}
