package dev.patchbay.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;

import dev.patchbay.media.testutil.Allocations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Bit-exact comparison with FFmpeg's {@code g722} encoder and decoder (Debian ffmpeg 5.1), over
 * files made by {@code src/test/resources/golden/g722/make-golden.sh}; its README lists the commands.
 * Every check runs packet by packet, 20 ms at a time, as a call does, so state carried between
 * packets is covered too.
 */
class G722GoldenTest {

    private static final int PACKET_SAMPLES = 320;

    @Test
    void encoderMatchesFfmpegByteForByte() throws IOException {
        short[] input = samples(resource("input-16k.s16le"));
        byte[] golden = resource("input-16k.g722");
        assertEquals(input.length / 2, golden.length);
        G722Encoder encoder = new G722Encoder();
        byte[] out = new byte[golden.length];
        for (int i = 0; i < input.length; i += PACKET_SAMPLES) {
            int n = Math.min(PACKET_SAMPLES, input.length - i);
            encoder.encode(input, i, n, out, i / 2);
        }
        assertSame(golden, out);
    }

    @Test
    void decoderMatchesFfmpegOnItsOwnEncoding() throws IOException {
        assertDecodes("input-16k.g722", "decoded-16k.s16le");
    }

    /** Random codewords reach every code and the quantisers' and predictors' clamps. */
    @Test
    void decoderMatchesFfmpegOnRandomCodewords() throws IOException {
        assertDecodes("random.g722", "random-decoded-16k.s16le");
    }

    /** The golden input carries real energy: an all-zero file would make the tests above vacuous. */
    @Test
    void goldenFilesAreNotTrivial() throws IOException {
        short[] decoded = samples(resource("decoded-16k.s16le"));
        long energy = 0;
        for (short s : decoded) {
            energy += (long) s * s;
        }
        assertTrue(energy / decoded.length > 1_000_000, "mean power " + energy / decoded.length);
    }

    /** A call encodes and decodes a packet every 20 ms: no allocation per packet. */
    @Tag("allocation")
    @Test
    void encodingAndDecodingAPacketAllocatesNothing() {
        G722Encoder encoder = new G722Encoder();
        G722Decoder decoder = new G722Decoder();
        short[] pcm = new short[PACKET_SAMPLES];
        byte[] coded = new byte[PACKET_SAMPLES / 2];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (8000 * Math.sin(i * 0.7));
        }
        long bytes = Allocations.measure(2000, () -> {
            encoder.encode(pcm, 0, PACKET_SAMPLES, coded, 0);
            decoder.decode(coded, 0, coded.length, pcm, 0);
        });
        assertEquals(0, bytes, "bytes allocated over 2000 packets");
    }

    private static void assertDecodes(String coded, String pcm) throws IOException {
        byte[] codes = resource(coded);
        short[] golden = samples(resource(pcm));
        assertEquals(codes.length * 2, golden.length);
        G722Decoder decoder = new G722Decoder();
        short[] out = new short[golden.length];
        for (int i = 0; i < codes.length; i += PACKET_SAMPLES / 2) {
            int n = Math.min(PACKET_SAMPLES / 2, codes.length - i);
            decoder.decode(codes, i, n, out, 2 * i);
        }
        for (int i = 0; i < golden.length; i++) {
            if (golden[i] != out[i]) {
                assertEquals(golden[i], out[i], coded + ": first difference at sample " + i);
            }
        }
    }

    private static void assertSame(byte[] golden, byte[] out) {
        for (int i = 0; i < golden.length; i++) {
            if (golden[i] != out[i]) {
                assertEquals(golden[i] & 0xFF, out[i] & 0xFF, "first difference at byte " + i);
            }
        }
    }

    private static short[] samples(byte[] le) {
        short[] s = new short[le.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((le[2 * i] & 0xFF) | (le[2 * i + 1] << 8));
        }
        return s;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = G722GoldenTest.class.getResourceAsStream("/golden/g722/" + name)) {
            if (in == null) {
                throw new IOException("missing golden file " + name + "; run make-golden.sh");
            }
            return in.readAllBytes();
        }
    }
}
