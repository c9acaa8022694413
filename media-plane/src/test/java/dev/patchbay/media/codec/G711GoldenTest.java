package dev.patchbay.media.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

import org.junit.jupiter.api.Test;

/**
 * Bit-exact comparison with files made by SoX 14.4.2 ({@code src/test/resources/golden/g711/make-golden.sh})
 * over every 16-bit input and every code.
 *
 * <p>Which μ-law variant SoX matches: Sun {@code g711.c} (negation of negative inputs), not ITU-T
 * G.191 (one's complement), once the input is on the 14-bit grid G.711 defines. SoX reaches that
 * grid by rounding, while Sun's and ITU's 16-bit entry points truncate, so over raw 16-bit input
 * SoX equals neither: it differs from Sun on 508 inputs and from ITU on 510. The tests below pin
 * all of that, so a change of variant cannot slip in unnoticed.
 */
class G711GoldenTest {

    private static final int ALL = 65536;

    @Test
    void ulawEncodingMatchesSoxForEverySample() throws IOException {
        byte[] golden = resource("all-s16le-to-ulaw.ul", ALL);
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            if (G711.linearToUlaw((short) x) != golden[x + 32768]) {
                fail("mu-law code for " + x);
            }
        }
        byte[] bulk = new byte[ALL];
        G711.encodeUlaw(allSamples(), 0, ALL, bulk, 0);
        assertArrayEquals(golden, bulk);
        G711.encodeL16leToUlaw(allSamplesL16le(), 0, ALL, bulk, 0);
        assertArrayEquals(golden, bulk);
    }

    @Test
    void alawEncodingMatchesSoxForEverySample() throws IOException {
        byte[] golden = resource("all-s16le-to-alaw.al", ALL);
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            if (G711.linearToAlaw((short) x) != golden[x + 32768]) {
                fail("A-law code for " + x);
            }
        }
        byte[] bulk = new byte[ALL];
        G711.encodeAlaw(allSamples(), 0, ALL, bulk, 0);
        assertArrayEquals(golden, bulk);
        G711.encodeL16leToAlaw(allSamplesL16le(), 0, ALL, bulk, 0);
        assertArrayEquals(golden, bulk);
    }

    @Test
    void ulawDecodingMatchesSoxForEveryCode() throws IOException {
        byte[] golden = resource("all-ulaw-to-s16le.raw", 512);
        byte[] codes = allCodes();
        for (int c = 0; c < 256; c++) {
            assertEquals(le16(golden, c), G711.ulawToLinear((byte) c), "mu-law code " + c);
        }
        short[] pcm = new short[256];
        G711.decodeUlaw(codes, 0, 256, pcm, 0);
        for (int c = 0; c < 256; c++) {
            assertEquals(le16(golden, c), pcm[c]);
        }
        byte[] l16 = new byte[512];
        G711.decodeUlawToL16le(codes, 0, 256, l16, 0);
        assertArrayEquals(golden, l16);
    }

    @Test
    void alawDecodingMatchesSoxForEveryCode() throws IOException {
        byte[] golden = resource("all-alaw-to-s16le.raw", 512);
        byte[] codes = allCodes();
        for (int c = 0; c < 256; c++) {
            assertEquals(le16(golden, c), G711.alawToLinear((byte) c), "A-law code " + c);
        }
        short[] pcm = new short[256];
        G711.decodeAlaw(codes, 0, 256, pcm, 0);
        for (int c = 0; c < 256; c++) {
            assertEquals(le16(golden, c), pcm[c]);
        }
        byte[] l16 = new byte[512];
        G711.decodeAlawToL16le(codes, 0, 256, l16, 0);
        assertArrayEquals(golden, l16);
    }

    /** INTEROP.md's claim, reproduced from the two reference implementations. */
    @Test
    void sunAndItuUlawDifferOn508NegativeInputs() {
        int differ = 0;
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            if (sunLinear2ulaw(x) != ituUlawCompress(x)) {
                assertTrue(x < 0, "differs on non-negative input " + x);
                differ++;
            }
        }
        assertEquals(508, differ);
    }

    @Test
    void soxUlawIsSunOnTheFourteenBitGridAndNotItu() throws IOException {
        byte[] golden = resource("all-s16le-to-ulaw.ul", ALL);
        int ituDiffers = 0;
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x += 4) {
            int sox = golden[x + 32768] & 0xFF;
            assertEquals(sunLinear2ulaw(x), sox, "Sun vs SoX at " + x);
            if (ituUlawCompress(x) != sox) {
                ituDiffers++;
            }
        }
        assertEquals(127, ituDiffers);
    }

    @Test
    void soxUlawRoundsWhereSunAndItuTruncate() throws IOException {
        byte[] golden = resource("all-s16le-to-ulaw.ul", ALL);
        assertEquals(508, countDifferences(golden, G711GoldenTest::sunLinear2ulaw, G711::ulawToLinear));
        assertEquals(510, countDifferences(golden, G711GoldenTest::ituUlawCompress, G711::ulawToLinear));
    }

    @Test
    void soxAlawIsTheReferenceOnTheThirteenBitGridAndRoundsOffIt() throws IOException {
        byte[] golden = resource("all-s16le-to-alaw.al", ALL);
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            assertEquals(sunLinear2alaw(x), ituAlawCompress(x), "Sun and ITU A-law agree, at " + x);
            if ((x & 7) == 0) {
                assertEquals(sunLinear2alaw(x), golden[x + 32768] & 0xFF, "Sun vs SoX at " + x);
            }
        }
        assertEquals(1020, countDifferences(golden, G711GoldenTest::sunLinear2alaw, G711::alawToLinear));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /**
     * Counts inputs where {@code reference} disagrees with the golden file, asserting that every
     * disagreement is between neighbouring quantisation levels (or between μ-law's two zero codes).
     */
    private static int countDifferences(byte[] golden, IntUnaryOperator reference, Decoder decoder) {
        short[] levels = distinctLevels(decoder);
        int differ = 0;
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            int ref = reference.applyAsInt(x);
            int sox = golden[x + 32768] & 0xFF;
            if (ref != sox) {
                int a = Arrays.binarySearch(levels, decoder.decode((byte) ref));
                int b = Arrays.binarySearch(levels, decoder.decode((byte) sox));
                if (a == b) {
                    // μ-law's two zeros: ITU sends -1 and -2 to 0x7F, SoX rounds them to 0 and sends 0xFF.
                    assertEquals(0, decoder.decode((byte) sox), "same level, different code at " + x);
                } else {
                    assertEquals(1, Math.abs(a - b), "not neighbouring levels at " + x);
                }
                differ++;
            }
        }
        return differ;
    }

    private interface Decoder {
        short decode(byte code);
    }

    private static short[] distinctLevels(Decoder decoder) {
        short[] all = new short[256];
        for (int c = 0; c < 256; c++) {
            all[c] = decoder.decode((byte) c);
        }
        Arrays.sort(all);
        int n = 0;
        for (int i = 0; i < all.length; i++) {
            if (i == 0 || all[i] != all[i - 1]) {
                all[n++] = all[i];
            }
        }
        return Arrays.copyOf(all, n);
    }

    private static byte[] resource(String name, int expectedLength) throws IOException {
        try (InputStream in = G711GoldenTest.class.getResourceAsStream("/golden/g711/" + name)) {
            if (in == null) {
                throw new IOException("missing golden file " + name + "; run make-golden.sh");
            }
            byte[] bytes = in.readAllBytes();
            assertEquals(expectedLength, bytes.length, name);
            return bytes;
        }
    }

    private static short le16(byte[] b, int index) {
        return (short) ((b[2 * index] & 0xFF) | (b[2 * index + 1] << 8));
    }

    private static short[] allSamples() {
        short[] s = new short[ALL];
        for (int i = 0; i < ALL; i++) {
            s[i] = (short) (i - 32768);
        }
        return s;
    }

    private static byte[] allSamplesL16le() {
        byte[] b = new byte[2 * ALL];
        for (int i = 0; i < ALL; i++) {
            int x = i - 32768;
            b[2 * i] = (byte) x;
            b[2 * i + 1] = (byte) (x >> 8);
        }
        return b;
    }

    private static byte[] allCodes() {
        byte[] codes = new byte[256];
        for (int c = 0; c < 256; c++) {
            codes[c] = (byte) c;
        }
        return codes;
    }

    // ---- independent reference encoders, transcribed from the C sources ---------------------------

    private static final int[] SEG_UEND = {0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF};
    private static final int[] SEG_AEND = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};

    private static int search(int value, int[] table) {
        for (int i = 0; i < table.length; i++) {
            if (value <= table[i]) {
                return i;
            }
        }
        return table.length;
    }

    /** Sun Microsystems g711.c linear2ulaw(), 16-bit input. */
    static int sunLinear2ulaw(int pcmVal) {
        int mask;
        pcmVal = pcmVal >> 2;
        if (pcmVal < 0) {
            pcmVal = -pcmVal;
            mask = 0x7F;
        } else {
            mask = 0xFF;
        }
        if (pcmVal > 8159) {
            pcmVal = 8159;
        }
        pcmVal += 0x84 >> 2;
        int seg = search(pcmVal, SEG_UEND);
        if (seg >= 8) {
            return 0x7F ^ mask;
        }
        return ((seg << 4) | ((pcmVal >> (seg + 1)) & 0xF)) ^ mask;
    }

    /** ITU-T G.191 STL g711.c ulaw_compress(), one sample. */
    static int ituUlawCompress(int lin) {
        int absno = lin < 0 ? ((~lin) >> 2) + 33 : (lin >> 2) + 33;
        if (absno > 0x1FFF) {
            absno = 0x1FFF;
        }
        int i = absno >> 6;
        int segno = 1;
        while (i != 0) {
            segno++;
            i >>= 1;
        }
        int highNibble = 0x0008 - segno;
        int lowNibble = 0x000F - ((absno >> segno) & 0x000F);
        int out = (highNibble << 4) | lowNibble;
        return lin >= 0 ? out | 0x0080 : out;
    }

    /** Sun Microsystems g711.c linear2alaw(), 16-bit input. */
    static int sunLinear2alaw(int pcmVal) {
        int mask;
        pcmVal = pcmVal >> 3;
        if (pcmVal >= 0) {
            mask = 0xD5;
        } else {
            mask = 0x55;
            pcmVal = -pcmVal - 1;
        }
        int seg = search(pcmVal, SEG_AEND);
        if (seg >= 8) {
            return 0x7F ^ mask;
        }
        int aval = seg << 4;
        aval |= seg < 2 ? (pcmVal >> 1) & 0xF : (pcmVal >> seg) & 0xF;
        return aval ^ mask;
    }

    /** ITU-T G.191 STL g711.c alaw_compress(), one sample. */
    static int ituAlawCompress(int lin) {
        int ix = lin < 0 ? (~lin) >> 4 : lin >> 4;
        if (ix > 15) {
            int iexp = 1;
            while (ix > 16 + 15) {
                ix >>= 1;
                iexp++;
            }
            ix -= 16;
            ix += iexp << 4;
        }
        if (lin >= 0) {
            ix |= 0x0080;
        }
        return ix ^ 0x0055;
    }
}
