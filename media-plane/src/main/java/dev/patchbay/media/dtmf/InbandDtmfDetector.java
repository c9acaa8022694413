package dev.patchbay.media.dtmf;

/**
 * Detects DTMF tones in 8 or 16 kHz audio (ITU-T Q.23/Q.24), for callers whose gateway sends digits
 * as sound rather than RFC 4733 events. It runs at the call's own rate, its windows the same in time.
 *
 * <p>Every 5 ms it measures the eight DTMF frequencies with a Goertzel filter each. Each filter's
 * window is sized for its frequency (about 85 to 200 samples at 8 kHz) so that a tone 1.5% off frequency
 * keeps about 80% of its power in the filter and one 3.5% off keeps under half: the share of the
 * signal's power found in the strongest row and column tone is then what separates a valid digit
 * from an off-frequency one, whatever the twist. A digit also needs:
 * <ul>
 *   <li>both tones clearly stronger (6 dB) than the other tones of their group;</li>
 *   <li>twist within 8 dB normal (column weaker) or 4 dB reverse;</li>
 *   <li>a steady level across the 25 ms window, in two decisions 5 ms apart, so a tone needs about
 *       27 ms to qualify and one under 23 ms never does;</li>
 *   <li>a minimum level, so line noise does not.</li>
 * </ul>
 * A digit is reported once when it starts and may repeat only after 20 ms without it.
 * Twist is accepted to 10 dB normal and 6 dB reverse: Q.24's 8 and 4 dB plus the ripple that the
 * strong tone's leakage puts on the short high-frequency filters.
 *
 * <p>One instance per call, fed by one thread; nothing allocates after construction.
 */
public final class InbandDtmfDetector {

    private static final double[] ROWS = {697, 770, 852, 941};
    private static final double[] COLUMNS = {1209, 1336, 1477, 1633};
    private static final char[][] KEYS = {
        {'1', '2', '3', 'A'},
        {'4', '5', '6', 'B'},
        {'7', '8', '9', 'C'},
        {'*', '0', '#', 'D'},
    };
    private static final int CONFIRM = 2;           // consecutive decisions before a digit counts
    private static final int SEGMENTS = 5;          // of 5 ms, for the steadiness check
    private static final double MIN_SHARE = 0.6;    // of the signal's power in the two tones
    private static final double MIN_TONE_POWER = 400.0 * 400.0 / 2; // about -38 dBFS per tone
    // Q.24 asks for 8 dB normal and 4 dB reverse; the short column filters see the row tone's
    // leakage as +-1.5 dB of ripple, so the limits carry that margin.
    private static final double NORMAL_TWIST = Math.pow(10, 10.0 / 10);
    private static final double REVERSE_TWIST = Math.pow(10, 6.0 / 10);
    private static final double GROUP_MARGIN = 4.0; // 6 dB over the runner-up in its group
    private static final int RELEASE_HOPS = 4;     // 20 ms without the digit ends it

    private final int window;                       // 25 ms: the longest filter, and the stability check
    private final int hop;                          // 5 ms between decisions
    private final double[] coefficient = new double[8];
    private final int[] length = new int[8];
    /**
     * The last {@link #window} samples, written twice ({@code i} and {@code i + window}) so that any
     * window ending at the newest sample is one contiguous run: no modulo per sample.
     */
    private final double[] ring;
    private final double[] power = new double[8];
    /** Energy of each of the last five hops, a ring whose oldest is at segmentIndex. */
    private final double[] segmentEnergy = new double[SEGMENTS];
    private int segmentIndex;
    /**
     * Below this window energy no tone can reach {@link #MIN_TONE_POWER}: a filter of N samples
     * finds at most 2 E / N (Cauchy-Schwarz), and N is at least the shortest filter. Half of it, as
     * margin for rounding, still skips the filters for silence and quiet speech.
     */
    private final double quietEnergy;
    private int position;
    private int filled;
    private int sinceHop;
    private char current;
    private char candidate;
    private int seen;
    private int missing;
    private char detected;

    /** A detector for 8 kHz audio. */
    public InbandDtmfDetector() {
        this(8000);
    }

    /** A detector for audio at {@code sampleRate} (8000 or 16000). */
    public InbandDtmfDetector(int sampleRate) {
        window = sampleRate / 40;
        hop = sampleRate / 200;
        ring = new double[2 * window];
        for (int i = 0; i < 8; i++) {
            double f = i < 4 ? ROWS[i] : COLUMNS[i - 4];
            // A 1.5% error is then about a quarter of a bin: 0.015 * f * N / rate = 0.26.
            length[i] = Math.min(window, (int) Math.round(0.26 * sampleRate / (0.015 * f)));
            coefficient[i] = 2 * Math.cos(2 * Math.PI * f / sampleRate);
        }
        quietEnergy = MIN_TONE_POWER * length[7] / 2 / 2;
    }

    /**
     * Feeds samples.
     *
     * @return the digit that started within them, or 0
     */
    public char feed(short[] pcm, int off, int n) {
        char found = 0;
        for (int i = 0; i < n; i++) {
            ring[position] = pcm[off + i];
            ring[position + window] = pcm[off + i];
            if (++position == window) {
                position = 0;
            }
            filled = Math.min(window, filled + 1);
            if (++sinceHop == hop) {
                sinceHop = 0;
                // A hop is one steadiness segment: its energy is measured once, not in five windows.
                double e = 0;
                for (int j = position + window - hop; j < position + window; j++) {
                    e += ring[j] * ring[j];
                }
                segmentEnergy[segmentIndex] = e;
                segmentIndex = (segmentIndex + 1) % SEGMENTS;
                char d = decide();
                if (d != 0) {
                    found = d;
                }
            }
        }
        return found;
    }

    /** The last digit reported. */
    public char detected() {
        return detected;
    }

    private char decide() {
        char digit = filled == window ? classify() : 0;
        if (digit == 0) {
            candidate = 0;
            if (current != 0 && ++missing >= RELEASE_HOPS) {
                current = 0;
            }
            return 0;
        }
        missing = 0;
        seen = digit == candidate ? seen + 1 : 1;
        candidate = digit;
        if (seen < CONFIRM || digit == current) {
            return 0;
        }
        current = digit;
        detected = digit;
        return digit;
    }

    private char classify() {
        int newest = position + window - 1; // the window is ring[newest - window + 1 .. newest]
        double total = 0;
        double segmentMin = Double.MAX_VALUE;
        double segmentMax = 0;
        for (int k = 0; k < SEGMENTS; k++) {
            double e = segmentEnergy[(segmentIndex + k) % SEGMENTS]; // oldest first
            total += e;
            segmentMin = Math.min(segmentMin, e);
            segmentMax = Math.max(segmentMax, e);
        }
        if (total < quietEnergy || segmentMin < 0.5 * segmentMax) {
            return 0; // too quiet for any tone; or the level changes within the window: a burst, an onset or speech
        }
        fourTones(0, newest);
        fourTones(4, newest);
        int row = strongest(0);
        int col = strongest(4);
        if (row < 0 || col < 0) {
            return 0;
        }
        double rowPower = power[row];
        double colPower = power[col];
        double signalPower = total / window;
        if (rowPower < MIN_TONE_POWER || colPower < MIN_TONE_POWER
                || rowPower > NORMAL_TWIST * colPower || colPower > REVERSE_TWIST * rowPower
                || rowPower + colPower < MIN_SHARE * signalPower) {
            return 0;
        }
        return KEYS[row][col - 4];
    }

    /** The index of the strongest tone of a group, or -1 if it does not stand out enough. */
    private int strongest(int from) {
        int best = from;
        for (int k = from + 1; k < from + 4; k++) {
            if (power[k] > power[best]) {
                best = k;
            }
        }
        for (int k = from; k < from + 4; k++) {
            if (k != best && power[k] * GROUP_MARGIN > power[best]) {
                return -1;
            }
        }
        return best;
    }

    /**
     * The power (mean square) of the tones of filters {@code k..k+3} over their windows ending at
     * {@code newest}. The four Goertzel recurrences run side by side, so they overlap in the CPU
     * instead of each waiting on its own multiply-add chain; each still sees its samples in the same
     * order, so the results are bit-identical to running them one by one. Lengths fall with k.
     */
    private void fourTones(int k, int newest) {
        double c0 = coefficient[k], c1 = coefficient[k + 1], c2 = coefficient[k + 2], c3 = coefficient[k + 3];
        int n0 = length[k], n1 = length[k + 1], n2 = length[k + 2], n3 = length[k + 3];
        double a1 = 0, a2 = 0, b1 = 0, b2 = 0, d1 = 0, d2 = 0, e1 = 0, e2 = 0;
        int i = newest - n0 + 1;
        for (; i <= newest - n1; i++) {
            double a0 = ring[i] + c0 * a1 - a2; a2 = a1; a1 = a0;
        }
        for (; i <= newest - n2; i++) {
            double x = ring[i];
            double a0 = x + c0 * a1 - a2; a2 = a1; a1 = a0;
            double b0 = x + c1 * b1 - b2; b2 = b1; b1 = b0;
        }
        for (; i <= newest - n3; i++) {
            double x = ring[i];
            double a0 = x + c0 * a1 - a2; a2 = a1; a1 = a0;
            double b0 = x + c1 * b1 - b2; b2 = b1; b1 = b0;
            double d0 = x + c2 * d1 - d2; d2 = d1; d1 = d0;
        }
        for (; i <= newest; i++) {
            double x = ring[i];
            double a0 = x + c0 * a1 - a2; a2 = a1; a1 = a0;
            double b0 = x + c1 * b1 - b2; b2 = b1; b1 = b0;
            double d0 = x + c2 * d1 - d2; d2 = d1; d1 = d0;
            double e0 = x + c3 * e1 - e2; e2 = e1; e1 = e0;
        }
        power[k] = tonePower(a1, a2, c0, n0);
        power[k + 1] = tonePower(b1, b2, c1, n1);
        power[k + 2] = tonePower(d1, d2, c2, n2);
        power[k + 3] = tonePower(e1, e2, c3, n3);
    }

    /** The mean-square power of a tone from a finished Goertzel recurrence over {@code n} samples. */
    private static double tonePower(double s1, double s2, double c, int n) {
        double magnitude2 = s1 * s1 + s2 * s2 - c * s1 * s2;
        double amplitude = 2 * Math.sqrt(Math.max(0, magnitude2)) / n;
        return amplitude * amplitude / 2;
    }
}
