package dev.patchbay.media.testutil;

/** The power of one frequency in a block of 8 kHz (or, given, 16 kHz) samples (the Goertzel algorithm), for checking tones. */
public final class Goertzel {

    private Goertzel() {
    }

    /** Power at {@code hz}, normalised so a full-scale sine gives about 0.25 whatever the block length. */
    public static double power(short[] samples, double hz) {
        return power(samples, hz, 8000);
    }

    /** Power at {@code hz} in a block sampled at {@code rate}, normalised as {@link #power(short[], double)}. */
    public static double power(short[] samples, double hz, int rate) {
        double coeff = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        for (short x : samples) {
            double s0 = x / 32768.0 + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / ((double) samples.length * samples.length);
    }

    /** Mean square of the block, relative to full scale (a full-scale sine gives 0.5). */
    public static double energy(short[] samples) {
        double sum = 0;
        for (short x : samples) {
            sum += (x / 32768.0) * (x / 32768.0);
        }
        return sum / samples.length;
    }
}
