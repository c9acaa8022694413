package dev.patchbay.media.registration;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The refresh point and the retry delays, without a registrar. */
class RegistrationTimingTest {

    private static final Duration MIN = Duration.ofSeconds(2);
    private static final Duration MAX = Duration.ofMinutes(5);

    @Test
    void refreshesAt85PercentButNoLaterThan30SecondsBeforeExpiry() {
        assertEquals(Duration.ofSeconds(3060), RegistrationTiming.refreshAfter(3600), "85% of an hour");
        assertEquals(Duration.ofSeconds(255), RegistrationTiming.refreshAfter(300));
        assertEquals(Duration.ofSeconds(170), RegistrationTiming.refreshAfter(200), "30 s before, as 85% would leave 30 s");
        assertEquals(Duration.ofSeconds(30), RegistrationTiming.refreshAfter(60), "30 s before expiry beats 85% (51 s)");
        assertEquals(Duration.ofSeconds(2), RegistrationTiming.refreshAfter(4), "a test-sized grant: at half");
        assertEquals(Duration.ofMillis(500), RegistrationTiming.refreshAfter(0), "never a busy loop");
    }

    @Test
    void backoffDoublesFromMinToTheCap() {
        assertEquals(Duration.ofSeconds(2), RegistrationTiming.backoff(1, MIN, MAX, 0));
        assertEquals(Duration.ofSeconds(4), RegistrationTiming.backoff(2, MIN, MAX, 0));
        assertEquals(Duration.ofSeconds(8), RegistrationTiming.backoff(3, MIN, MAX, 0));
        assertEquals(Duration.ofSeconds(256), RegistrationTiming.backoff(8, MIN, MAX, 0));
        assertEquals(MAX, RegistrationTiming.backoff(9, MIN, MAX, 0));
        assertEquals(MAX, RegistrationTiming.backoff(1000, MIN, MAX, 0), "no overflow after many failures");
    }

    @Test
    void aLongerRetryAfterWinsEvenAboveTheCap() {
        assertEquals(Duration.ofSeconds(60), RegistrationTiming.backoff(1, MIN, MAX, 60));
        assertEquals(Duration.ofSeconds(8), RegistrationTiming.backoff(3, MIN, MAX, 5), "a shorter one changes nothing");
        assertEquals(Duration.ofSeconds(900), RegistrationTiming.backoff(20, MIN, MAX, 900));
    }
}
