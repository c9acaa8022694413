package dev.patchbay.media.codec;

/**
 * One sub-band of G.722 (ITU-T G.722 section 3 / 4): its ADPCM quantiser scale and its adaptive
 * predictor, two poles and six zeros. The encoder and the decoder run the same update after every
 * code, which is what keeps them in step. The arithmetic (truncating shifts, clamps, 16-bit stores)
 * follows the recommendation's fixed-point blocks, and {@code G722GoldenTest} holds it bit-exact
 * to FFmpeg's {@code g722}. Mutable; one per band per direction per call.
 */
final class G722Band {

    // ILB: 2^(i/32) on an 11-bit mantissa, for the log-to-linear scale.
    private static final int[] INVERSE_LOG = {
        2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
        2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008};
    // Lower band: the 4-bit inverse quantiser (QQ4 with sign) and the log-scale step (WL by RIL4).
    static final int[] LOW_INVERSE_4 = {
        0, -2557, -1612, -1121, -786, -530, -323, -150, 2557, 1612, 1121, 786, 530, 323, 150, 0};
    private static final int[] LOW_LOG_STEP = {
        -60, 3042, 1198, 538, 334, 172, 58, -30, 3042, 1198, 538, 334, 172, 58, -30, -60};
    // Higher band: the 2-bit inverse quantiser (QQ2 with sign) and its log-scale step (WH).
    static final int[] HIGH_INVERSE = {-926, -202, 926, 202};
    private static final int[] HIGH_LOG_STEP = {798, -214};

    /** SE: the signal estimate the next code is a difference from. */
    int estimate;
    /** DET: the linear quantiser scale. */
    int scale;
    private int zeroEstimate;   // SZ
    private int logScale;       // NBL / NBH
    private int pole1, pole2;   // AL1, AL2
    private boolean negative1, negative2; // signs of the last two partial reconstructions P
    private int lastReconstructed;        // R of the previous step, doubled as the poles take it
    private final int[] differences = new int[6]; // DLT1..DLT6, doubled
    private final int[] zeros = new int[6];       // BL1..BL6

    private final int logCeiling;
    private final int logOffset;

    private G722Band(int scale, int logCeiling, int logOffset) {
        this.scale = scale;
        this.logCeiling = logCeiling;
        this.logOffset = logOffset;
    }

    static G722Band lower() {
        return new G722Band(8, 18432, 8 << 11);
    }

    static G722Band higher() {
        return new G722Band(2, 22528, 10 << 11);
    }

    /** After a lower-band code: {@code code4} is the 6-bit code's top four bits. */
    void updateLower(int code4) {
        adapt(scale * LOW_INVERSE_4[code4] >> 10);
        rescale(LOW_LOG_STEP[code4]);
    }

    /** After a higher-band code, whose dequantised difference is {@code difference}. */
    void updateHigher(int difference, int code) {
        adapt(difference);
        rescale(HIGH_LOG_STEP[code & 1]);
    }

    /** Blocks 3L/3H: the log scale leaks toward 0 and steps by the code; DET follows. */
    private void rescale(int step) {
        logScale = clamp((logScale * 127 >> 7) + step, 0, logCeiling);
        int log = logScale - logOffset;
        int mantissa = INVERSE_LOG[(log >> 6) & 31];
        int shift = log >> 11;
        scale = shift < 0 ? mantissa >> -shift : mantissa << shift;
    }

    /** Blocks 4L/4H: the pole and zero sections adapt by sign agreement, then predict SE. */
    private void adapt(int difference) {
        boolean negative = zeroEstimate + difference < 0;
        int sg1 = negative != negative1 ? 1 : -1;
        int sg2 = negative == negative2 ? 1 : -1;
        negative2 = negative1;
        negative1 = negative;

        pole2 = clamp((sg1 * clamp(pole1, -8191, 8191) >> 5) + sg2 * 128 + (pole2 * 127 >> 7), -12288, 12288);
        int limit = 15360 - pole2;
        pole1 = clamp(-192 * sg1 + (pole1 * 255 >> 8), -limit, limit);

        int sum = 0;
        for (int k = 5; k >= 0; k--) {
            int step = difference == 0 ? 0 : ((differences[k] ^ difference) < 0 ? -128 : 128);
            zeros[k] = (short) ((zeros[k] * 255 >> 8) + step);
            differences[k] = k == 0 ? difference * 2 : differences[k - 1];
            sum += differences[k] * zeros[k] >> 15;
        }
        zeroEstimate = sum;

        int reconstructed = clamp16((estimate + difference) * 2);
        estimate = clamp16(zeroEstimate + (pole1 * reconstructed >> 15) + (pole2 * lastReconstructed >> 15));
        lastReconstructed = reconstructed;
    }

    static int clamp(int x, int lo, int hi) {
        return x < lo ? lo : Math.min(x, hi);
    }

    static int clamp16(int x) {
        return clamp(x, Short.MIN_VALUE, Short.MAX_VALUE);
    }
}
