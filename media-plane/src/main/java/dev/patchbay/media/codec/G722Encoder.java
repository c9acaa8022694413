package dev.patchbay.media.codec;

/**
 * G.722 at 64 kbit/s (mode 1): 16 kHz 16-bit samples in, one byte per sample pair out, the higher
 * band's 2-bit code above the lower band's 6-bit code. The quantiser decisions are the
 * recommendation's plain ones (no trellis search), as FFmpeg's {@code g722} encoder makes them by
 * default, which {@code G722GoldenTest} checks bit for bit. One per call direction: it carries the
 * codec's state from packet to packet; nothing allocates after construction.
 */
public final class G722Encoder {

    // Q6, the lower band's decision levels, scaled by 8 as the quantiser compares.
    private static final int[] LOW_LEVELS = {
        35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786,
        858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919};

    private final G722Qmf split = new G722Qmf();
    private final G722Band low = G722Band.lower();
    private final G722Band high = G722Band.higher();

    /**
     * Encodes {@code samples} (even) samples from {@code pcm[from..]} into {@code samples / 2} bytes
     * at {@code out[to..]}; returns the byte count.
     */
    public int encode(short[] pcm, int from, int samples, byte[] out, int to) {
        if ((samples & 1) != 0) {
            throw new IllegalArgumentException("G.722 codes sample pairs; got " + samples + " samples");
        }
        for (int i = 0; i < samples; i += 2) {
            out[to + (i >> 1)] = (byte) encodePair(pcm[from + i], pcm[from + i + 1]);
        }
        return samples >> 1;
    }

    private int encodePair(short first, short second) {
        split.push(first, second);
        int lower = (split.odd + split.even) >> 14;
        int higher = (split.odd - split.even) >> 14;

        int highCode = quantiseHigh(higher);
        int lowCode = quantiseLow(lower);
        high.updateHigher(high.scale * G722Band.HIGH_INVERSE[highCode] >> 10, highCode);
        low.updateLower(lowCode >> 2);
        return highCode << 6 | lowCode;
    }

    /** Block 1H: the sign of the difference and whether it is beyond the one decision level. */
    private int quantiseHigh(int x) {
        int d = G722Band.clamp16(x - high.estimate);
        int magnitude = d ^ (d >> 31); // d, or -(d + 1) when negative
        int level = 141 * high.scale >> 8;
        return (magnitude < level ? 1 : 0) + (d >= 0 ? 2 : 0);
    }

    /** Block 1L: the interval of table 6 the difference falls in, then its 6-bit code by sign. */
    private int quantiseLow(int x) {
        int d = G722Band.clamp16(x - low.estimate);
        int magnitude = ((d ^ (d >> 31)) + 1) << 10;
        int i = magnitude > LOW_LEVELS[8] * low.scale ? 9 : 0;
        while (i < LOW_LEVELS.length && magnitude > LOW_LEVELS[i] * low.scale) {
            i++;
        }
        return (d < 0 ? (i < 2 ? 63 : 33) : 61) - i;
    }
}
