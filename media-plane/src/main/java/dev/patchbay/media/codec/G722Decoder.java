package dev.patchbay.media.codec;

/**
 * G.722 at 64 kbit/s (mode 1): each byte decodes to two 16 kHz 16-bit samples. Bit-exact with
 * FFmpeg's {@code g722} decoder ({@code G722GoldenTest}). One per call: the predictor state runs
 * from packet to packet, so a lost packet is simply not fed (concealment happens downstream at
 * 16 kHz); nothing allocates after construction.
 */
public final class G722Decoder {

    // QQ6 with sign: the lower band's 6-bit inverse quantiser.
    private static final int[] LOW_INVERSE_6 = {
        -17, -17, -17, -17, -3101, -2738, -2376, -2088, -1873, -1689, -1535, -1399, -1279, -1170, -1072, -982,
        -899, -822, -750, -682, -618, -558, -501, -447, -396, -347, -300, -254, -211, -170, -130, -91,
        3101, 2738, 2376, 2088, 1873, 1689, 1535, 1399, 1279, 1170, 1072, 982, 899, 822, 750, 682,
        618, 558, 501, 447, 396, 347, 300, 254, 211, 170, 130, 91, 54, 17, -54, -17};

    private final G722Qmf merge = new G722Qmf();
    private final G722Band low = G722Band.lower();
    private final G722Band high = G722Band.higher();

    /** Decodes {@code len} bytes from {@code in[from..]} into {@code 2 * len} samples at {@code pcm[to..]}; returns that count. */
    public int decode(byte[] in, int from, int len, short[] pcm, int to) {
        for (int i = 0; i < len; i++) {
            int code = in[from + i] & 0xFF;
            int lowCode = code & 63;
            int highCode = code >> 6;

            int lower = G722Band.clamp((low.scale * LOW_INVERSE_6[lowCode] >> 10) + low.estimate, -16384, 16383);
            low.updateLower(lowCode >> 2);
            int highDifference = high.scale * G722Band.HIGH_INVERSE[highCode] >> 10;
            int higher = G722Band.clamp(highDifference + high.estimate, -16384, 16383);
            high.updateHigher(highDifference, highCode);

            merge.push(lower + higher, lower - higher);
            pcm[to + 2 * i] = (short) G722Band.clamp16(merge.odd >> 11);
            pcm[to + 2 * i + 1] = (short) G722Band.clamp16(merge.even >> 11);
        }
        return 2 * len;
    }
}
