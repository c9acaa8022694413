package dev.patchbay.media.srtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.patchbay.media.rtp.RtpHeaderWriter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SRTP on a live call's port: {@link SrtpContext#unprotect} of any datagram returns a length or one of its
 * three refusals, never throws, and never accepts bytes nobody with the key wrote; a packet the far end
 * protected comes back byte for byte, once (a replay is refused), and a change to any byte of it is
 * refused (as forged, or as malformed when the change makes the header outgrow the packet).
 * Regression inputs: src/test/resources/dev/patchbay/media/srtp/SrtpFuzzTestInputs/.
 */
class SrtpFuzzTest {

    private static final byte[] KEY = new byte[16];
    private static final byte[] SALT = new byte[14];

    static {
        for (int i = 0; i < 16; i++) {
            KEY[i] = (byte) (i * 7 + 1);
        }
        for (int i = 0; i < 14; i++) {
            SALT[i] = (byte) (i * 13 + 5);
        }
    }

    @FuzzTest(maxDuration = "12h") // ./patchbay fuzz ends a run after the minutes it is given
    void unprotect(FuzzedDataProvider data) throws GeneralSecurityException {
        SrtpContext receiver = SrtpContext.fromMaster(KEY, SALT);
        boolean forged = data.consumeBoolean();
        if (forged) {
            byte[] datagram = data.consumeRemainingAsBytes();
            int r = receiver.unprotect(datagram, 0, datagram.length);
            assertTrue(r == SrtpContext.MALFORMED || r == SrtpContext.AUTH_FAILED, "accepted unkeyed bytes: " + r);
            return;
        }
        // A packet the far end protected with the same keys, then optionally damaged in one byte.
        int sequence = data.consumeInt(0, 0xFFFF);
        long timestamp = data.consumeLong(0, 0xFFFF_FFFFL);
        int damageAt = data.consumeInt(-1, 200);
        byte damage = data.consumeByte();
        byte[] payload = data.consumeRemainingAsBytes();
        byte[] plain = new byte[RtpHeaderWriter.HEADER_BYTES + payload.length];
        RtpHeaderWriter.write(plain, 0, false, 0, sequence, timestamp, 0x1234_5678L);
        System.arraycopy(payload, 0, plain, RtpHeaderWriter.HEADER_BYTES, payload.length);
        byte[] wire = Arrays.copyOf(plain, plain.length + SrtpContext.TAG_BYTES);
        int len = SrtpContext.fromMaster(KEY, SALT).protect(wire, 0, plain.length);
        assertEquals(wire.length, len);
        byte[] copy = wire.clone();
        if (damageAt >= 0 && damageAt < wire.length && damage != 0) {
            wire[damageAt] ^= damage;
            // A changed CC or X bit can make the header outgrow the packet: refused before the tag is checked.
            int r = receiver.unprotect(wire, 0, len);
            assertTrue(r == SrtpContext.AUTH_FAILED || r == SrtpContext.MALFORMED, "a changed byte " + damageAt + " gave " + r);
            return;
        }
        assertEquals(plain.length, receiver.unprotect(wire, 0, len));
        assertArrayEquals(plain, Arrays.copyOf(wire, plain.length));
        assertEquals(SrtpContext.REPLAYED, receiver.unprotect(copy, 0, len), "the same packet again");
    }
}
