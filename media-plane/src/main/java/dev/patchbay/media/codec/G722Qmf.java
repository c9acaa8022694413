package dev.patchbay.media.codec;

/**
 * The 24-tap quadrature mirror filter of G.722 (ITU-T G.722 table 11), shared in form by the
 * transmit split and the receive merge: each pair of samples pushed yields the two polyphase sums
 * {@link #odd} and {@link #even}. The history is a linear buffer compacted when full, so a push is
 * one multiply-accumulate pass with no modulo; no allocation after construction.
 */
final class G722Qmf {

    private static final int[] COEFFICIENTS = {3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11};
    private static final int TAPS = 24;
    private static final int KEPT = TAPS - 2;

    private final short[] history = new short[1024];
    private int end = KEPT; // the filter starts on 22 zero samples

    /** The sum over the odd taps, with the coefficients reversed. */
    int odd;
    /** The sum over the even taps. */
    int even;

    void push(int first, int second) {
        if (end + 2 > history.length) {
            System.arraycopy(history, end - KEPT, history, 0, KEPT);
            end = KEPT;
        }
        history[end++] = (short) first;
        history[end++] = (short) second;
        int base = end - TAPS;
        int o = 0;
        int e = 0;
        for (int i = 0; i < 12; i++) {
            e += history[base + 2 * i] * COEFFICIENTS[i];
            o += history[base + 2 * i + 1] * COEFFICIENTS[11 - i];
        }
        odd = o;
        even = e;
    }
}
