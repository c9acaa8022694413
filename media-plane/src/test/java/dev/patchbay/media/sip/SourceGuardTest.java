package dev.patchbay.media.sip;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SourceGuardTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void scannersAreKnownByTheirUserAgentWhateverTheCase() {
        SourceGuard guard = new SourceGuard(SourceGuard.Settings.defaults());
        assertEquals(SourceGuard.Verdict.SCANNER, guard.check("User-Agent: friendly-scanner", "192.0.2.1", 0));
        assertEquals(SourceGuard.Verdict.SCANNER, guard.check("SIPVicious 0.3.3", "192.0.2.1", 0));
        assertEquals(SourceGuard.Verdict.ADMIT, guard.check("Asterisk PBX 20.1", "192.0.2.1", 0));
        assertEquals(SourceGuard.Verdict.ADMIT, guard.check(null, "192.0.2.1", 0));
        assertEquals(2, guard.scannersDropped());
    }

    @Test
    void eachSourceHasItsOwnBucketThatRefillsAtTheRate() {
        SourceGuard guard = new SourceGuard(new SourceGuard.Settings(List.of(), 10, 20));
        int admitted = 0;
        for (int i = 0; i < 50; i++) {
            admitted += guard.check(null, "192.0.2.1", 0) == SourceGuard.Verdict.ADMIT ? 1 : 0;
        }
        assertEquals(20, admitted, "a burst gets the bucket's size");
        assertEquals(SourceGuard.Verdict.ADMIT, guard.check(null, "192.0.2.2", 0), "another source is not affected");
        assertEquals(SourceGuard.Verdict.THROTTLED, guard.check(null, "192.0.2.1", SECOND / 20), "half a token so far");
        assertEquals(SourceGuard.Verdict.ADMIT, guard.check(null, "192.0.2.1", SECOND / 10), "one token after 100 ms");
        int later = 0;
        for (int i = 0; i < 50; i++) {
            later += guard.check(null, "192.0.2.1", 2 * SECOND) == SourceGuard.Verdict.ADMIT ? 1 : 0;
        }
        assertEquals(19, later, "1.9 s at 10/s refills 19 tokens");
        assertEquals(30 + 1 + 31, guard.throttled());
    }

    @Test
    void zeroRateTurnsLimitingOff() {
        SourceGuard guard = new SourceGuard(new SourceGuard.Settings(List.of(), 0, 0));
        for (int i = 0; i < 10_000; i++) {
            assertEquals(SourceGuard.Verdict.ADMIT, guard.check(null, "192.0.2.1", 0));
        }
    }
}
