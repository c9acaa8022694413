package dev.patchbay.media.sip;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SourceGuardTest {

    private static final long SECOND = 1_000_000_000L;
    private static final InetAddress A = new InetSocketAddress("192.0.2.1", 0).getAddress();
    private static final InetAddress B = new InetSocketAddress("192.0.2.2", 0).getAddress();
    private static final SourceGuard.Connections CONNECTIONS = new SourceGuard.Connections(10, 2, Duration.ofSeconds(1));

    @Test
    void scannersAreKnownByTheirUserAgentWhateverTheCase() {
        SourceGuard guard = new SourceGuard(SourceGuard.Settings.defaults());
        assertEquals(SourceGuard.Verdict.SCANNER, guard.check("User-Agent: friendly-scanner", A, 0));
        assertEquals(SourceGuard.Verdict.SCANNER, guard.check("SIPVicious 0.3.3", A, 0));
        assertEquals(SourceGuard.Verdict.ADMIT, guard.check("Asterisk PBX 20.1", A, 0));
        assertEquals(SourceGuard.Verdict.ADMIT, guard.check(null, A, 0));
        assertEquals(2, guard.scannersDropped());
    }

    @Test
    void eachSourceHasItsOwnBucketThatRefillsAtTheRate() {
        SourceGuard guard = new SourceGuard(new SourceGuard.Settings(List.of(), 10, 20, CONNECTIONS));
        int admitted = 0;
        for (int i = 0; i < 50; i++) {
            admitted += guard.check(null, A, 0) == SourceGuard.Verdict.ADMIT ? 1 : 0;
        }
        assertEquals(20, admitted, "a burst gets the bucket's size");
        assertEquals(SourceGuard.Verdict.ADMIT, guard.check(null, B, 0), "another source is not affected");
        assertEquals(SourceGuard.Verdict.THROTTLED, guard.check(null, A, SECOND / 20), "half a token so far");
        assertEquals(SourceGuard.Verdict.ADMIT, guard.check(null, A, SECOND / 10), "one token after 100 ms");
        int later = 0;
        for (int i = 0; i < 50; i++) {
            later += guard.check(null, A, 2 * SECOND) == SourceGuard.Verdict.ADMIT ? 1 : 0;
        }
        assertEquals(19, later, "1.9 s at 10/s refills 19 tokens");
        assertEquals(30 + 1 + 31, guard.throttled());
    }

    @Test
    void zeroRateTurnsLimitingOff() {
        SourceGuard guard = new SourceGuard(new SourceGuard.Settings(List.of(), 0, 0, CONNECTIONS));
        for (int i = 0; i < 10_000; i++) {
            assertEquals(SourceGuard.Verdict.ADMIT, guard.check(null, A, 0));
        }
    }

    @Test
    void datagramsHaveTheirOwnBucketsAheadOfTheParse() {
        SourceGuard guard = new SourceGuard(new SourceGuard.Settings(List.of(), 10, 5, CONNECTIONS));
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            admitted += guard.admitDatagram(A, 0) ? 1 : 0;
        }
        assertEquals(5, admitted, "a burst of datagrams gets the bucket's size");
        assertEquals(15, guard.datagramsDropped());
        assertEquals(SourceGuard.Verdict.ADMIT, guard.check(null, A, 0), "the parsed requests' bucket is separate");
        assertEquals(true, guard.admitDatagram(B, 0), "another source is not affected");
        assertEquals(true, guard.admitDatagram(A, SECOND / 10), "one token after 100 ms");
        assertEquals(15, guard.throttled(), "throttled counts both stages");
    }

    @Test
    void connectionCapsMustBeConsistent() {
        assertThrows(IllegalArgumentException.class, () -> new SourceGuard.Connections(1, 2, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new SourceGuard.Connections(2, 0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new SourceGuard.Connections(2, 1, Duration.ZERO));
    }
}
