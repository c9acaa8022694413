package dev.patchbay.media.resample;

/**
 * 16 kHz to 8 kHz, streaming: the half-band low-pass, evaluated only at every other sample, then
 * decimation. Keeps its own history, so one instance serves one stream; allocation-free.
 */
public final class Downsampler {

    private static final int TAPS = HalfbandFilter.TAPS;
    private final short[] history = new short[TAPS * 2];
    private int position;
    private boolean phase;

    /**
     * Feeds one 16 kHz sample.
     *
     * @return true when an 8 kHz sample is ready in {@link #output()}
     */
    public boolean push(short sample) {
        history[position] = sample;
        history[position + TAPS] = sample;
        position = (position + 1) % TAPS;
        phase = !phase;
        if (!phase) {
            return false;
        }
        int[] h = HalfbandFilter.Q15;
        int newest = position + TAPS - 1;
        long acc = 0;
        for (int j = 0; j < TAPS; j++) {
            if (h[j] != 0) {
                acc += (long) h[j] * history[newest - j];
            }
        }
        output = HalfbandFilter.saturate(acc);
        return true;
    }

    private short output;

    public short output() {
        return output;
    }
}
