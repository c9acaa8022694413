package dev.patchbay.media.resample;

/**
 * The low-pass filter shared by both directions of 8 kHz / 16 kHz conversion: a 47-tap
 * Blackman-windowed sinc cut at a quarter of the 16 kHz rate (4 kHz). It is a half-band design, so
 * every other tap but the centre is zero and costs nothing. Passband to about 3.2 kHz within 0.1 dB
 * (all of narrowband telephony), stopband below about -70 dB from 4.8 kHz.
 */
final class HalfbandFilter {

    static final int TAPS = 47;
    static final int CENTRE = TAPS / 2;
    /** Q15 coefficients, summing to 1.0 (32768). */
    static final int[] Q15 = design();

    private HalfbandFilter() {
    }

    /**
     * The centre tap is exactly one half and the other non-zero taps sum to exactly one half, so
     * upsampling passes the original samples through unchanged on every other output.
     */
    private static int[] design() {
        double[] h = new double[TAPS];
        double side = 0;
        for (int n = 0; n < TAPS; n++) {
            int k = n - CENTRE;
            if (k == 0 || k % 2 == 0) {
                continue; // the centre is set below; the other even offsets are the half-band zeros
            }
            double sinc = Math.sin(Math.PI * k / 2) / (Math.PI * k);
            double window = 0.42 - 0.5 * Math.cos(2 * Math.PI * n / (TAPS - 1)) + 0.08 * Math.cos(4 * Math.PI * n / (TAPS - 1));
            h[n] = sinc * window;
            side += h[n];
        }
        int[] q = new int[TAPS];
        int total = 0;
        for (int n = 0; n < TAPS; n++) {
            q[n] = (int) Math.round(h[n] / side * 16384);
            total += q[n];
        }
        // Rounding leaves an even residue (taps come in equal pairs); give it to the pair beside the centre.
        q[CENTRE - 1] += (16384 - total) / 2;
        q[CENTRE + 1] += (16384 - total) / 2;
        q[CENTRE] = 16384;
        return q;
    }

    static short saturate(long q15Accumulator) {
        long v = (q15Accumulator + (1 << 14)) >> 15;
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
    }
}
