package dev.patchbay.media.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.patchbay.media.testutil.Allocations;

class G711Test {

    @Test
    void silenceIsFFInUlawAndD5InAlaw() {
        assertEquals((byte) 0xFF, G711.linearToUlaw((short) 0));
        assertEquals((byte) 0xD5, G711.linearToAlaw((short) 0));
        assertEquals(G711.ULAW_SILENCE, G711.linearToUlaw((short) 0));
        assertEquals(G711.ALAW_SILENCE, G711.linearToAlaw((short) 0));
        assertEquals(0, G711.ulawToLinear(G711.ULAW_SILENCE));
        assertEquals(8, G711.alawToLinear(G711.ALAW_SILENCE), "A-law has no zero level; +8 is nearest");
    }

    @Test
    void everyAlawCodeSurvivesDecodeThenEncode() {
        for (int c = 0; c < 256; c++) {
            assertEquals((byte) c, G711.linearToAlaw(G711.alawToLinear((byte) c)), "A-law code " + c);
        }
    }

    @Test
    void everyUlawCodeSurvivesDecodeThenEncodeExceptNegativeZero() {
        for (int c = 0; c < 256; c++) {
            byte back = G711.linearToUlaw(G711.ulawToLinear((byte) c));
            if (c == 0x7F) {
                // 0x7F is "negative zero": it decodes to 0 like 0xFF, and 0 encodes to 0xFF.
                assertEquals(0, G711.ulawToLinear((byte) 0x7F));
                assertEquals((byte) 0xFF, back);
            } else {
                assertEquals((byte) c, back, "mu-law code " + c);
            }
        }
    }

    @Test
    void fullScaleClipsToTheOutermostCodes() {
        assertEquals((byte) 0x80, G711.linearToUlaw(Short.MAX_VALUE));
        assertEquals((byte) 0x00, G711.linearToUlaw(Short.MIN_VALUE));
        assertEquals((byte) 0xAA, G711.linearToAlaw(Short.MAX_VALUE));
        assertEquals((byte) 0x2A, G711.linearToAlaw(Short.MIN_VALUE));
        assertEquals(32124, G711.ulawToLinear((byte) 0x80));
        assertEquals(-32124, G711.ulawToLinear((byte) 0x00));
        assertEquals(32256, G711.alawToLinear((byte) 0xAA));
        assertEquals(-32256, G711.alawToLinear((byte) 0x2A));
    }

    @Test
    void bulkMethodsHonourOffsetsAndLeaveNeighboursAlone() {
        byte[] codes = {0x11, 0x22, (byte) 0x80, 0x00, (byte) 0xFF, 0x33};
        short[] pcm = new short[7];
        pcm[0] = 77;
        pcm[6] = 77;
        G711.decodeUlaw(codes, 2, 3, pcm, 2);
        assertArrayEquals(new short[] {77, 0, 32124, -32124, 0, 0, 77}, pcm);

        byte[] out = {9, 9, 9, 9, 9};
        G711.encodeUlaw(pcm, 2, 3, out, 1);
        assertArrayEquals(new byte[] {9, (byte) 0x80, 0x00, (byte) 0xFF, 9}, out);

        byte[] l16 = new byte[10];
        G711.decodeAlawToL16le(new byte[] {0, (byte) 0xAA, (byte) 0xD5}, 1, 2, l16, 3);
        // 32256 = 0x7E00 and 8 = 0x0008, little-endian
        assertArrayEquals(new byte[] {0, 0, 0, 0x00, 0x7E, 0x08, 0x00, 0, 0, 0}, l16);

        byte[] back = {9, 9, 9, 9};
        G711.encodeL16leToAlaw(l16, 3, 2, back, 1);
        assertArrayEquals(new byte[] {9, (byte) 0xAA, (byte) 0xD5, 9}, back);

        byte[] ul16 = new byte[4];
        G711.decodeUlawToL16le(new byte[] {0x00}, 0, 1, ul16, 1);
        assertArrayEquals(new byte[] {0, (byte) 0x84, (byte) 0x82, 0}, ul16, "-32124 = 0x8284");
        byte[] u = new byte[1];
        G711.encodeL16leToUlaw(ul16, 1, 1, u, 0);
        assertEquals(0x00, u[0]);

        short[] apcm = new short[1];
        G711.decodeAlaw(new byte[] {(byte) 0xD5}, 0, 1, apcm, 0);
        byte[] a = new byte[1];
        G711.encodeAlaw(apcm, 0, 1, a, 0);
        assertEquals((byte) 0xD5, a[0]);
    }

    @Test
    void badRangesAreRejectedBeforeAnythingIsWritten() {
        short[] pcm = new short[4];
        assertThrows(IndexOutOfBoundsException.class, () -> G711.decodeUlaw(new byte[4], 1, 4, pcm, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> G711.decodeUlaw(new byte[8], 0, 5, pcm, 0));
        byte[] dst = {1, 1, 1, 1};
        assertThrows(IndexOutOfBoundsException.class, () -> G711.encodeL16leToUlaw(new byte[8], 2, 4, dst, 0));
        assertArrayEquals(new byte[] {1, 1, 1, 1}, dst);
        assertThrows(IndexOutOfBoundsException.class, () -> G711.decodeAlawToL16le(new byte[4], 0, 4, new byte[7], 0));
    }

    @Tag("allocation")

    @Test
    void encodingAndDecodingAFrameAllocateNothing() {
        byte[] codes = new byte[160];
        short[] pcm = new short[160];
        byte[] l16 = new byte[320];
        long bytes = Allocations.measure(20_000, () -> {
            G711.decodeUlaw(codes, 0, 160, pcm, 0);
            G711.encodeAlaw(pcm, 0, 160, codes, 0);
            G711.decodeAlawToL16le(codes, 0, 160, l16, 0);
            G711.encodeL16leToUlaw(l16, 0, 160, codes, 0);
        });
        assertTrue(bytes < 1024, "allocated " + bytes + " bytes over 20000 frames");
    }
}
