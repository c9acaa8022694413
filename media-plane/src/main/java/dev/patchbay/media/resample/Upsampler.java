package dev.patchbay.media.resample;

/**
 * 8 kHz to 16 kHz, streaming: each input sample yields two output samples. Zero-stuffing then the
 * half-band low-pass, computed as its two polyphase branches so the zeros cost nothing. Keeps its
 * own history, so one instance serves one stream; allocation-free.
 */
public final class Upsampler {

    private static final int HISTORY = (HalfbandFilter.TAPS + 1) / 2;
    private final short[] history = new short[HISTORY * 2];
    private int position;

    /** Converts {@code n} samples of {@code in} into {@code 2n} samples of {@code out}. */
    public void process(short[] in, int inOff, int n, short[] out, int outOff) {
        int[] h = HalfbandFilter.Q15;
        for (int i = 0; i < n; i++) {
            // A ring written twice over, so the newest HISTORY samples are always contiguous.
            history[position] = in[inOff + i];
            history[position + HISTORY] = in[inOff + i];
            position = (position + 1) % HISTORY;
            int newest = position + HISTORY - 1;
            // Even output: the odd taps (the zeros land on the even ones, except the centre).
            long even = 0;
            long odd = 0;
            for (int j = 0; j < HISTORY; j++) {
                int tapEven = 2 * j;            // taps 0, 2, 4, ... meet real samples for the first phase
                short x = history[newest - j];
                even += (long) h[tapEven] * x;
                if (2 * j + 1 < HalfbandFilter.TAPS) {
                    odd += (long) h[2 * j + 1] * x;
                }
            }
            // Zero-stuffing halves the level; the factor 2 restores it.
            out[outOff + 2 * i] = HalfbandFilter.saturate(2 * even);
            out[outOff + 2 * i + 1] = HalfbandFilter.saturate(2 * odd);
        }
    }

    /** Output delay in 16 kHz samples, for aligning a round trip in tests. */
    public static int delay() {
        return HalfbandFilter.CENTRE;
    }
}
