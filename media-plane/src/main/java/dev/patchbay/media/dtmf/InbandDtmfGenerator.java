package dev.patchbay.media.dtmf;

import java.util.Arrays;

/**
 * Plays queued digits as DTMF tones in 8 kHz PCM (ITU-T Q.23), for far ends that did not negotiate
 * telephone-event: each key is its row and column frequency together for the requested duration
 * (default 100 ms, never under 40 ms), then 100 ms of silence; ',' is 500 ms of silence.
 *
 * <p>Levels: the row tone at -7 dBm0 and the column tone at -5 dBm0. That is the usual telephone
 * practice (the column group 2 dB stronger to make up for a line's high-frequency loss), which a
 * Q.24 receiver sees as 2 dB of reverse twist: inside its 4 dB limit with 2 dB to spare, and far
 * from the 8 dB normal-twist limit a long loop could push it towards. The sum peaks at about 70% of
 * full scale, so G.711 never clips it. Each tone is ramped over 2 ms at both ends, so its start and
 * stop do not splatter energy into the other DTMF frequencies.
 *
 * <p>Owned by the call's media loop; {@link #enqueue} is called there too. Allocation-free after
 * construction.
 */
public final class InbandDtmfGenerator {

    public static final int FRAME = 160;
    static final double ROW_DBM0 = -7;
    static final double COLUMN_DBM0 = -5;
    /** A 0 dBm0 sine's peak in 16-bit PCM: G.711 μ-law's largest sine (8159 of 8159) is +3.17 dBm0. */
    static final double ZERO_DBM0_PEAK = 8159 * 4 / Math.pow(10, 3.17 / 20);

    private static final double[] ROWS = {697, 770, 852, 941};
    private static final double[] COLUMNS = {1209, 1336, 1477, 1633};
    private static final String KEYS = "123A456B789C*0#D";
    private static final int RATE = 8000;
    private static final int GAP = 800;          // 100 ms of silence after each tone
    private static final int PAUSE = 4000;       // ',' = 500 ms
    private static final int RAMP = 16;          // 2 ms

    private final char[] queue = new char[64];
    private final double[] ramp = new double[RAMP];
    private final double rowPeak = ZERO_DBM0_PEAK * Math.pow(10, ROW_DBM0 / 20);
    private final double columnPeak = ZERO_DBM0_PEAK * Math.pow(10, COLUMN_DBM0 / 20);
    private int head;
    private int size;
    private int toneSamples = 800;

    // the segment being played: a tone (stepRow > 0) or silence, with this many samples left
    private int left;
    private int length;
    private boolean tone;
    private double phaseRow, phaseColumn, stepRow, stepColumn;

    public InbandDtmfGenerator() {
        for (int i = 0; i < RAMP; i++) {
            ramp[i] = 0.5 - 0.5 * Math.cos(Math.PI * (i + 0.5) / RAMP);
        }
    }

    /**
     * Queues digits (0-9 * # A-D, ',' for a pause), each a tone of {@code toneMs} (40 to 5000).
     *
     * @return false, queueing nothing, if a character is not a key or the queue would overflow
     */
    public boolean enqueue(CharSequence digits, int toneMs) {
        if (digits.length() > queue.length - size) {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = Character.toUpperCase(digits.charAt(i));
            if (c != ',' && KEYS.indexOf(c) < 0) {
                return false;
            }
        }
        for (int i = 0; i < digits.length(); i++) {
            queue[(head + size++) % queue.length] = Character.toUpperCase(digits.charAt(i));
        }
        toneSamples = Math.max(40, Math.min(toneMs, 5000)) * RATE / 1000;
        return true;
    }

    /** Whether a tone or a pause is still to play. */
    public boolean busy() {
        return left > 0 || size > 0 || tone; // a tone that just ended still owes its pause
    }

    /**
     * Writes the next 20 ms into {@code out} if a tone or pause is playing (the remainder of a frame
     * in which the last pause ends is silence).
     *
     * @return false, writing nothing, when nothing is queued or playing
     */
    public boolean next(short[] out, int off) {
        if (!busy()) {
            return false;
        }
        for (int i = 0; i < FRAME; i++) {
            if (left == 0 && !startNext()) {
                Arrays.fill(out, off + i, off + FRAME, (short) 0);
                return true;
            }
            out[off + i] = tone ? toneSample() : 0;
            left--;
        }
        return true;
    }

    private short toneSample() {
        int played = length - left;
        double gain = played < RAMP ? ramp[played] : left <= RAMP ? ramp[left - 1] : 1.0;
        double v = gain * (rowPeak * Math.sin(phaseRow) + columnPeak * Math.sin(phaseColumn));
        phaseRow += stepRow;
        phaseColumn += stepColumn;
        if (phaseRow > 2 * Math.PI) {
            phaseRow -= 2 * Math.PI;
        }
        if (phaseColumn > 2 * Math.PI) {
            phaseColumn -= 2 * Math.PI;
        }
        return (short) Math.round(v);
    }

    /** Starts the next segment: a queued key's tone, its gap, or a ',' pause; false if none. */
    private boolean startNext() {
        if (tone) {
            tone = false;
            left = length = GAP;
            return true;
        }
        if (size == 0) {
            return false;
        }
        char next = queue[head];
        head = (head + 1) % queue.length;
        size--;
        if (next == ',') {
            left = length = PAUSE;
            return true;
        }
        int k = KEYS.indexOf(next);
        stepRow = 2 * Math.PI * ROWS[k / 4] / RATE;
        stepColumn = 2 * Math.PI * COLUMNS[k % 4] / RATE;
        phaseRow = 0;
        phaseColumn = 0;
        tone = true;
        left = length = toneSamples;
        return true;
    }

    /** The row and column frequency of a key, in Hz; for tests and logs. */
    static double[] frequencies(char key) {
        int k = KEYS.indexOf(Character.toUpperCase(key));
        return new double[] {ROWS[k / 4], COLUMNS[k % 4]};
    }
}
