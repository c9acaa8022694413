package dev.patchbay.media.srtp;

import java.util.HexFormat;

import dev.patchbay.media.testutil.Allocations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 3711 appendix B vectors (also checked with openssl's AES-128-CTR), then round trips. */
class SrtpContextTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MASTER_KEY = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] MASTER_SALT = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");

    @Test
    void keyDerivationMatchesAppendixB3() throws Exception {
        assertEquals("c61e7a93744f39ee10734afe3ff7a087", HEX.formatHex(SrtpContext.derive(MASTER_KEY, MASTER_SALT, 0, 16)));
        assertEquals("cebe321f6ff7716b6fd4ab49af256a156d38baa4", HEX.formatHex(SrtpContext.derive(MASTER_KEY, MASTER_SALT, 1, 20)));
        assertEquals("30cbbc08863d8c85d49db34a9ae1", HEX.formatHex(SrtpContext.derive(MASTER_KEY, MASTER_SALT, 2, 14)));
    }

    @Test
    void hmacMatchesTheJdksHmacSha1() throws Exception {
        byte[] authKey = SrtpContext.derive(MASTER_KEY, MASTER_SALT, 1, 20);
        SrtpContext c = SrtpContext.fromSession(new byte[16], authKey, new byte[14]);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(authKey, "HmacSHA1"));
        byte[] data = "Hi There, 172 bytes of RTP would go here".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertArrayEquals(mac.doFinal(data), c.hmacForTest(data));
    }

    @Test
    void counterModeKeystreamMatchesAppendixB2() throws Exception {
        SrtpContext c = SrtpContext.fromSession(HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c"), new byte[20],
                HEX.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfd"));
        byte[] packet = new byte[12 + 48 + SrtpContext.TAG_BYTES];
        packet[0] = (byte) 0x80; // SSRC 0, sequence 0, rollover 0: the IV is the salt itself
        c.protect(packet, 0, 12 + 48);
        assertEquals("e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab41e95b3bb0a2e8dd477901e4fca894c0",
                HEX.formatHex(packet, 12, 60), "zeros encrypt to the keystream");
    }

    private static byte[] rtp(int seq, int payloadByte) {
        byte[] p = new byte[12 + 160 + SrtpContext.TAG_BYTES];
        p[0] = (byte) 0x80;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[8] = 0x12;
        p[11] = 0x34;
        java.util.Arrays.fill(p, 12, 172, (byte) payloadByte);
        return p;
    }

    @Test
    void roundTripTamperingReplayAndSequenceWrap() throws Exception {
        SrtpContext sender = SrtpContext.fromMaster(MASTER_KEY, MASTER_SALT);
        SrtpContext receiver = SrtpContext.fromMaster(MASTER_KEY, MASTER_SALT);
        for (int seq : new int[] {65533, 65534, 65535, 0, 1, 2}) {
            byte[] p = rtp(seq, 0x55);
            byte[] plain = p.clone();
            assertEquals(182, sender.protect(p, 0, 172));
            assertTrue(!java.util.Arrays.equals(plain, 12, 172, p, 12, 172), "the payload is encrypted");
            byte[] copy = p.clone();
            assertEquals(172, receiver.unprotect(p, 0, 182), "seq " + seq);
            assertArrayEquals(java.util.Arrays.copyOf(plain, 172), java.util.Arrays.copyOf(p, 172));
            assertEquals(SrtpContext.REPLAYED, receiver.unprotect(copy, 0, 182), "a replay of seq " + seq);
        }
        byte[] p = rtp(3, 0x55);
        sender.protect(p, 0, 172);
        p[40] ^= 1;
        assertEquals(SrtpContext.AUTH_FAILED, receiver.unprotect(p, 0, 182), "a flipped bit fails authentication");
        assertEquals(SrtpContext.MALFORMED, receiver.unprotect(new byte[15], 0, 15));
    }

    @Tag("allocation")

    @Test
    void protectAndUnprotectAllocateNothing() throws Exception {
        SrtpContext sender = SrtpContext.fromMaster(MASTER_KEY, MASTER_SALT);
        SrtpContext receiver = SrtpContext.fromMaster(MASTER_KEY, MASTER_SALT);
        byte[] p = rtp(0, 0x11);
        int[] seq = {0};
        long bytes = Allocations.measure(2000, () -> {
            int s = seq[0]++ & 0xFFFF;
            p[2] = (byte) (s >> 8);
            p[3] = (byte) s;
            int len = sender.protect(p, 0, 172);
            receiver.unprotect(p, 0, len);
        });
        assertTrue(bytes < 4096, "allocated " + bytes + " bytes over 2000 packets");
    }
}
