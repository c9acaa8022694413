package dev.patchbay.media.playout;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ringback cadence in FreeSWITCH's tone syntax, {@code %(on_ms,off_ms,freq_hz[,freq2_hz])}, the
 * form jambonz and FreeSWITCH configure ringback in (US: {@code %(2000,4000,440,480)}).
 *
 * @param onMs  tone on, a whole number of 20 ms frames
 * @param offMs silence after it, a whole number of 20 ms frames
 * @param freq1 the first frequency in Hz
 * @param freq2 the second, or 0 for a single tone
 */
public record Ringback(int onMs, int offMs, int freq1, int freq2) {

    /** North American ringback (ITU-T E.180 lists it; jambonz and FreeSWITCH default to it). */
    public static final Ringback US = new Ringback(2000, 4000, 440, 480);

    /**
     * Each tone at -19 dBm0, the level of the North American precise ringback: a full-scale G.711
     * sine is +3.17 dBm0, so 22 dB below 32767.
     */
    static final double AMPLITUDE = 32767 * Math.pow(10, -22.17 / 20);

    private static final int RATE = 8000;
    private static final Pattern SYNTAX = Pattern.compile("%\\((\\d{1,5}),(\\d{1,5}),(\\d{1,4})(?:,(\\d{1,4}))?\\)");

    public Ringback {
        if (onMs <= 0 || onMs % 20 != 0 || offMs < 0 || offMs % 20 != 0 || onMs + offMs > 30_000) {
            throw new IllegalArgumentException("ringback on/off must be multiples of 20 ms, on > 0, a cycle of at most 30 s");
        }
        if (freq1 < 100 || freq1 > 3400 || freq2 != 0 && (freq2 < 100 || freq2 > 3400)) {
            throw new IllegalArgumentException("ringback frequencies must be within 100-3400 Hz, the telephone band");
        }
    }

    /** Parses {@code %(on,off,f1[,f2])}; empty means {@link #US}. */
    public static Ringback parse(String cadence) {
        if (cadence == null || cadence.isBlank()) {
            return US;
        }
        Matcher m = SYNTAX.matcher(cadence.replace(" ", ""));
        if (!m.matches()) {
            throw new IllegalArgumentException("ringback cadence '" + cadence + "' is not %(on_ms,off_ms,freq_hz[,freq2_hz])");
        }
        return new Ringback(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                m.group(4) == null ? 0 : Integer.parseInt(m.group(4)));
    }

    /** One whole cycle, tone then silence, as 8 kHz linear samples. */
    public short[] cycle() {
        int on = onMs * RATE / 1000;
        short[] out = new short[on + offMs * RATE / 1000];
        double w1 = 2 * Math.PI * freq1 / RATE;
        double w2 = 2 * Math.PI * freq2 / RATE;
        for (int i = 0; i < on; i++) {
            double v = Math.sin(w1 * i) + (freq2 == 0 ? 0 : Math.sin(w2 * i));
            out[i] = (short) Math.round(AMPLITUDE * v);
        }
        return out;
    }
}
