package dev.patchbay.control.trunk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stateless nonces: what one replica issues another accepts, until it ages out; tampering is caught. */
class NoncesTest {

    private static final byte[] KEY = new byte[32];
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private static Nonces at(Instant now) {
        return new Nonces(KEY, Duration.ofMinutes(5), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void anotherReplicaWithTheSameKeyAcceptsItUntilItIsStale() {
        String nonce = at(T0).issue();
        assertEquals(Nonces.Check.FRESH, at(T0.plusSeconds(299)).check(nonce));
        assertEquals(Nonces.Check.STALE, at(T0.plusSeconds(301)).check(nonce));
    }

    @Test
    void anAlteredOrForeignNonceIsForged() {
        String nonce = at(T0).issue();
        char[] c = nonce.toCharArray();
        c[3] = c[3] == 'A' ? 'B' : 'A'; // move the issue time
        assertEquals(Nonces.Check.FORGED, at(T0).check(new String(c)));
        byte[] other = new byte[32];
        other[0] = 1;
        assertEquals(Nonces.Check.FORGED, new Nonces(other, Duration.ofMinutes(5), Clock.fixed(T0, ZoneOffset.UTC)).check(nonce));
        assertEquals(Nonces.Check.FORGED, at(T0).check("not base64 !"));
        assertEquals(Nonces.Check.FORGED, at(T0).check("c2hvcnQ"));
    }
}
