package dev.patchbay.media.registration;

import java.time.Duration;

/**
 * When to refresh a binding and when to retry after a failure. Pure, so the rules are tested
 * without a registrar.
 */
final class RegistrationTiming {

    /** Below this lifetime, "30 s before expiry" would leave too little of it. */
    private static final int SHORT = 60;
    private static final int MARGIN = 30;
    private static final double SHARE = 0.85;

    private RegistrationTiming() {
    }

    /**
     * The refresh is sent at 85% of the granted lifetime but never later than 30 s before it
     * ends (3600 s: after 3060 s; 300 s: after 255 s; 60 s: after 30 s); a lifetime under 60 s is
     * refreshed at half, as registrars grant that little only to test or to shed load.
     */
    static Duration refreshAfter(int grantedSeconds) {
        if (grantedSeconds < SHORT) {
            return Duration.ofMillis(Math.max(500, grantedSeconds * 500L));
        }
        long ms = Math.min((long) (grantedSeconds * SHARE * 1000), (grantedSeconds - MARGIN) * 1000L);
        return Duration.ofMillis(ms);
    }

    /**
     * Exponential backoff: {@code min} after the first failure, doubled after each further one, capped
     * at {@code max}; a Retry-After from the registrar wins when it asks for longer (even above the cap,
     * since it is the registrar's explicit wish).
     *
     * @param failures   failures in a row, at least 1
     * @param retryAfter the registrar's Retry-After in seconds, or 0
     */
    static Duration backoff(int failures, Duration min, Duration max, int retryAfter) {
        int doublings = Math.min(Math.max(failures, 1) - 1, 30);
        long ms = min.toMillis() << doublings;
        Duration delay = ms <= 0 || ms > max.toMillis() ? max : Duration.ofMillis(ms);
        Duration asked = Duration.ofSeconds(retryAfter);
        return asked.compareTo(delay) > 0 ? asked : delay;
    }
}
