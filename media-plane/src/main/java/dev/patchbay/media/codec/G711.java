package dev.patchbay.media.codec;

import java.util.Objects;

/**
 * G.711 μ-law and A-law, one table lookup per sample in both directions.
 *
 * <p><b>Which encoder.</b> Decoding is the classic Sun {@code g711.c} table, which every common
 * reference agrees on. Encoding is bit-exact with SoX 14.4 ({@code sox -D ... -e mu-law} /
 * {@code -e a-law}), checked over all 65536 inputs by {@code G711GoldenTest}. SoX runs Sun's
 * {@code g711.c} encoder core verbatim ({@code sox_14linear2ulaw}, {@code sox_13linear2alaw}), so
 * negative μ-law inputs are <em>negated</em> (Sun), not one's-complemented (ITU-T G.191). It differs
 * from both references in one step before that core: it narrows the 16-bit sample to 14 bits
 * (μ-law) or 13 bits (A-law) by rounding to nearest, where Sun's and ITU's 16-bit entry points
 * truncate. On the 14/13-bit-aligned inputs that G.711 itself defines, this encoder equals Sun
 * exactly; over all 16-bit inputs it differs from Sun's {@code linear2ulaw} on 508 inputs, from
 * G.191's {@code ulaw_compress} on 510, and from both references' A-law on 1020. Every difference
 * is one quantisation step at a segment edge, so it is inaudible; it matters only for bit-exact
 * tests, which is why the choice is pinned.
 *
 * <p>All methods are allocation-free and thread-safe: the tables are built once, then only read.
 * Bulk methods check their ranges up front (a bad range is a caller bug and throws), then loop
 * without further checks.
 */
public final class G711 {

    /** μ-law code for 0: what a silent μ-law frame is filled with. */
    public static final byte ULAW_SILENCE = (byte) 0xFF;
    /** A-law code for +8, the code nearest 0: what a silent A-law frame is filled with. */
    public static final byte ALAW_SILENCE = (byte) 0xD5;

    // Sun g711.c constants: the μ-law bias and the largest 14-bit magnitude before the bias.
    private static final int ULAW_BIAS = 0x84;
    private static final int ULAW_CLIP = 8159;

    private static final short[] ULAW_DECODE = new short[256];
    private static final short[] ALAW_DECODE = new short[256];
    // Indexed by (sample & 0xFFFF): 64 KiB each buys a single lookup per encoded sample.
    private static final byte[] ULAW_ENCODE = new byte[65536];
    private static final byte[] ALAW_ENCODE = new byte[65536];

    static {
        for (int code = 0; code < 256; code++) {
            ULAW_DECODE[code] = (short) ulawDecodeReference(code);
            ALAW_DECODE[code] = (short) alawDecodeReference(code);
        }
        for (int sample = Short.MIN_VALUE; sample <= Short.MAX_VALUE; sample++) {
            ULAW_ENCODE[sample & 0xFFFF] = (byte) ulawEncodeReference(sample);
            ALAW_ENCODE[sample & 0xFFFF] = (byte) alawEncodeReference(sample);
        }
    }

    private G711() {
    }

    // ---- single samples --------------------------------------------------------------------------

    public static short ulawToLinear(byte code) {
        return ULAW_DECODE[code & 0xFF];
    }

    public static byte linearToUlaw(short sample) {
        return ULAW_ENCODE[sample & 0xFFFF];
    }

    public static short alawToLinear(byte code) {
        return ALAW_DECODE[code & 0xFF];
    }

    public static byte linearToAlaw(short sample) {
        return ALAW_ENCODE[sample & 0xFFFF];
    }

    // ---- bulk: codes <-> short[] -----------------------------------------------------------------

    /** Decodes {@code len} μ-law codes from {@code src[srcOff..]} into {@code dst[dstOff..]}. */
    public static void decodeUlaw(byte[] src, int srcOff, int len, short[] dst, int dstOff) {
        decode(ULAW_DECODE, src, srcOff, len, dst, dstOff);
    }

    /** Encodes {@code len} samples from {@code src[srcOff..]} into μ-law codes at {@code dst[dstOff..]}. */
    public static void encodeUlaw(short[] src, int srcOff, int len, byte[] dst, int dstOff) {
        encode(ULAW_ENCODE, src, srcOff, len, dst, dstOff);
    }

    /** Decodes {@code len} A-law codes from {@code src[srcOff..]} into {@code dst[dstOff..]}. */
    public static void decodeAlaw(byte[] src, int srcOff, int len, short[] dst, int dstOff) {
        decode(ALAW_DECODE, src, srcOff, len, dst, dstOff);
    }

    /** Encodes {@code len} samples from {@code src[srcOff..]} into A-law codes at {@code dst[dstOff..]}. */
    public static void encodeAlaw(short[] src, int srcOff, int len, byte[] dst, int dstOff) {
        encode(ALAW_ENCODE, src, srcOff, len, dst, dstOff);
    }

    // ---- bulk: codes <-> little-endian L16 bytes, the format bots send and want -------------------

    /**
     * Decodes {@code samples} μ-law codes into little-endian 16-bit PCM, writing
     * {@code 2 * samples} bytes at {@code dst[dstOff..]}.
     */
    public static void decodeUlawToL16le(byte[] src, int srcOff, int samples, byte[] dst, int dstOff) {
        decodeToL16le(ULAW_DECODE, src, srcOff, samples, dst, dstOff);
    }

    /**
     * Encodes {@code samples} little-endian 16-bit samples ({@code 2 * samples} bytes from
     * {@code src[srcOff..]}) into μ-law codes at {@code dst[dstOff..]}.
     */
    public static void encodeL16leToUlaw(byte[] src, int srcOff, int samples, byte[] dst, int dstOff) {
        encodeFromL16le(ULAW_ENCODE, src, srcOff, samples, dst, dstOff);
    }

    /** A-law counterpart of {@link #decodeUlawToL16le}. */
    public static void decodeAlawToL16le(byte[] src, int srcOff, int samples, byte[] dst, int dstOff) {
        decodeToL16le(ALAW_DECODE, src, srcOff, samples, dst, dstOff);
    }

    /** A-law counterpart of {@link #encodeL16leToUlaw}. */
    public static void encodeL16leToAlaw(byte[] src, int srcOff, int samples, byte[] dst, int dstOff) {
        encodeFromL16le(ALAW_ENCODE, src, srcOff, samples, dst, dstOff);
    }

    private static void decode(short[] table, byte[] src, int srcOff, int len, short[] dst, int dstOff) {
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(dstOff, len, dst.length);
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = table[src[srcOff + i] & 0xFF];
        }
    }

    private static void encode(byte[] table, short[] src, int srcOff, int len, byte[] dst, int dstOff) {
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(dstOff, len, dst.length);
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = table[src[srcOff + i] & 0xFFFF];
        }
    }

    private static void decodeToL16le(short[] table, byte[] src, int srcOff, int samples, byte[] dst, int dstOff) {
        Objects.checkFromIndexSize(srcOff, samples, src.length);
        Objects.checkFromIndexSize(dstOff, 2 * samples, dst.length);
        for (int i = 0; i < samples; i++) {
            short s = table[src[srcOff + i] & 0xFF];
            dst[dstOff + 2 * i] = (byte) s;
            dst[dstOff + 2 * i + 1] = (byte) (s >> 8);
        }
    }

    private static void encodeFromL16le(byte[] table, byte[] src, int srcOff, int samples, byte[] dst, int dstOff) {
        Objects.checkFromIndexSize(srcOff, 2 * samples, src.length);
        Objects.checkFromIndexSize(dstOff, samples, dst.length);
        for (int i = 0; i < samples; i++) {
            int lo = src[srcOff + 2 * i] & 0xFF;
            int hi = src[srcOff + 2 * i + 1] & 0xFF;
            dst[dstOff + i] = table[(hi << 8) | lo];
        }
    }

    // ---- reference algorithms, run only to fill the tables ----------------------------------------

    /** Sun g711.c {@code ulaw2linear}. */
    private static int ulawDecodeReference(int code) {
        int u = ~code & 0xFF;
        int t = (((u & 0x0F) << 3) + ULAW_BIAS) << ((u & 0x70) >> 4);
        return (u & 0x80) != 0 ? ULAW_BIAS - t : t - ULAW_BIAS;
    }

    /** Sun g711.c {@code alaw2linear}. */
    private static int alawDecodeReference(int code) {
        int a = code ^ 0x55;
        int t = (a & 0x0F) << 4;
        int seg = (a & 0x70) >> 4;
        switch (seg) {
            case 0 -> t += 8;
            case 1 -> t += 0x108;
            default -> t = (t + 0x108) << (seg - 1);
        }
        return (a & 0x80) != 0 ? t : -t;
    }

    /**
     * SoX's μ-law encoder: round the 16-bit sample to 14 bits (half up, clipping at +8191, as
     * SoX's {@code SOX_SAMPLE_TO_UNSIGNED(14, ...)} does), then Sun's 14-bit core.
     */
    private static int ulawEncodeReference(int sample) {
        return ulawEncode14(Math.min((sample + 2) >> 2, 8191));
    }

    /** Sun g711.c {@code linear2ulaw} after its {@code >> 2}; SoX's {@code sox_14linear2ulaw}. */
    private static int ulawEncode14(int pcm) {
        int mask = 0xFF;
        if (pcm < 0) {
            // Sun negates here; ITU-T G.191 takes the one's complement. This is the 508-input split.
            pcm = -pcm;
            mask = 0x7F;
        }
        pcm = Math.min(pcm, ULAW_CLIP) + (ULAW_BIAS >> 2);
        int seg = segment(pcm, 0x3F);
        if (seg >= 8) {
            return 0x7F ^ mask;
        }
        return ((seg << 4) | ((pcm >> (seg + 1)) & 0x0F)) ^ mask;
    }

    /** SoX's A-law encoder: round to 13 bits (half up, clipping at +4095), then Sun's 13-bit core. */
    private static int alawEncodeReference(int sample) {
        return alawEncode13(Math.min((sample + 4) >> 3, 4095));
    }

    /** Sun g711.c {@code linear2alaw} after its {@code >> 3}; SoX's {@code sox_13linear2alaw}. */
    private static int alawEncode13(int pcm) {
        int mask = 0xD5;
        if (pcm < 0) {
            pcm = -pcm - 1;
            mask = 0x55;
        }
        int seg = segment(pcm, 0x1F);
        if (seg >= 8) {
            return 0x7F ^ mask;
        }
        int quant = seg < 2 ? (pcm >> 1) & 0x0F : (pcm >> seg) & 0x0F;
        return ((seg << 4) | quant) ^ mask;
    }

    /**
     * Sun's {@code search()}: the first segment i (0..7) whose end, {@code ((firstEnd + 1) << i) - 1},
     * is at least {@code value}; 8 if none is.
     */
    private static int segment(int value, int firstEnd) {
        int seg = 0;
        while (seg < 8 && value > ((firstEnd + 1) << seg) - 1) {
            seg++;
        }
        return seg;
    }
}
