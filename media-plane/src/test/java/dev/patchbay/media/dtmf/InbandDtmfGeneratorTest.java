package dev.patchbay.media.dtmf;

import java.util.ArrayList;
import java.util.List;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.testutil.Allocations;
import dev.patchbay.media.testutil.Multimon;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tones against ITU-T Q.23/Q.24 measured on the generated audio (after a G.711 round trip, as a
 * far end hears it), and decoded by Patchbay's own detector and by multimon-ng.
 */
class InbandDtmfGeneratorTest {

    static final String ALL_KEYS = "123A456B789C*0#D";
    private static final double[] DTMF = {697, 770, 852, 941, 1209, 1336, 1477, 1633};

    /** Everything the generator plays for {@code digits}, through μ-law or A-law and back. */
    static short[] play(String digits, int toneMs, boolean ulaw) {
        InbandDtmfGenerator g = new InbandDtmfGenerator();
        assertTrue(g.enqueue(digits, toneMs));
        List<short[]> frames = new ArrayList<>();
        short[] frame = new short[160];
        byte[] coded = new byte[160];
        while (g.next(frame, 0)) {
            if (ulaw) {
                G711.encodeUlaw(frame, 0, 160, coded, 0);
                G711.decodeUlaw(coded, 0, 160, frame, 0);
            } else {
                G711.encodeAlaw(frame, 0, 160, coded, 0);
                G711.decodeAlaw(coded, 0, 160, frame, 0);
            }
            frames.add(frame.clone());
        }
        short[] all = new short[frames.size() * 160];
        for (int i = 0; i < frames.size(); i++) {
            System.arraycopy(frames.get(i), 0, all, i * 160, 160);
        }
        return all;
    }

    /**
     * A tone's amplitude at {@code hz} over {@code n} samples, Hann-windowed so that the other tone of
     * the pair (89 Hz away at the closest) does not leak into the measurement.
     */
    static double amplitude(short[] s, int from, int n, double hz) {
        double re = 0;
        double im = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double window = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
            double w = 2 * Math.PI * hz * i / 8000;
            re += window * s[from + i] * Math.cos(w);
            im += window * s[from + i] * Math.sin(w);
            sum += window;
        }
        return 2 * Math.hypot(re, im) / sum;
    }

    static double dbm0(double peak) {
        return 20 * Math.log10(peak / InbandDtmfGenerator.ZERO_DBM0_PEAK);
    }

    @Test
    void everyKeyIsItsQ23PairAtMinus7AndMinus5Dbm0WithNothingElseInTheDtmfBand() {
        for (boolean ulaw : new boolean[] {true, false}) {
            short[] audio = play(ALL_KEYS, 100, ulaw);
            assertEquals(ALL_KEYS.length() * 1600, audio.length, "100 ms tone + 100 ms pause per key");
            for (int k = 0; k < ALL_KEYS.length(); k++) {
                char key = ALL_KEYS.charAt(k);
                double[] pair = InbandDtmfGenerator.frequencies(key);
                // 80 ms from the tone's steady middle, after its 2 ms ramp.
                int from = k * 1600 + 80;
                double row = dbm0(amplitude(audio, from, 640, pair[0]));
                double column = dbm0(amplitude(audio, from, 640, pair[1]));
                assertEquals(-7.0, row, 0.5, key + " row " + pair[0] + " Hz, ulaw=" + ulaw);
                assertEquals(-5.0, column, 0.5, key + " column " + pair[1] + " Hz, ulaw=" + ulaw);
                double reverseTwist = column - row;
                assertTrue(reverseTwist > 1 && reverseTwist < 3, key + ": reverse twist " + reverseTwist + " dB, Q.24 allows 4");
                for (double f : DTMF) {
                    if (f != pair[0] && f != pair[1]) {
                        double other = dbm0(amplitude(audio, from, 640, f));
                        assertTrue(other < row - 30, key + ": " + f + " Hz at " + other + " dBm0, row at " + row);
                    }
                }
            }
        }
    }

    @Test
    void tonesLastTheRequestedTimeAndPausesAre100MsOfSilence() {
        for (int ms : new int[] {40, 100, 250}) {
            short[] audio = play("19#", ms, true);
            int tone = ms * 8;
            int step = tone + 800;
            // play() ends on the frame the last pause ends in.
            assertEquals((3 * step + 159) / 160 * 160, audio.length, ms + " ms");
            for (int k = 0; k < 3; k++) {
                int start = k * step;
                assertTrue(Math.abs(audio[start + 20]) > 0 || Math.abs(audio[start + 21]) > 0, "tone " + k + " starts at once");
                double rms = 0;
                for (int i = start + 16; i < start + tone - 16; i++) {
                    rms += (double) audio[i] * audio[i];
                }
                rms = Math.sqrt(rms / (tone - 32));
                assertTrue(rms > 5000, "tone " + k + " of " + ms + " ms holds its level to the end: rms " + rms);
                for (int i = start + tone; i < start + step; i++) {
                    // μ-law's 0 decodes to 0; the pause is digital silence.
                    assertEquals(0, audio[i], "pause after tone " + k + " at sample " + (i - start - tone));
                }
            }
        }
    }

    @Test
    void aCommaIsHalfASecondOfSilenceAndBadKeysQueueNothing() {
        short[] audio = play("1,2", 100, true);
        assertEquals(800 + 800 + 4000 + 800 + 800, audio.length);
        for (int i = 1600; i < 5600; i++) {
            assertEquals(0, audio[i]);
        }
        InbandDtmfGenerator g = new InbandDtmfGenerator();
        assertFalse(g.enqueue("12x", 100));
        assertFalse(g.busy());
        assertFalse(g.next(new short[160], 0), "idle: nothing written");
        assertFalse(g.enqueue("1".repeat(65), 100), "the queue holds 64");
    }

    @Test
    void patchbaysOwnDetectorDecodesEveryKeyAtTheShortestToneInBothLaws() {
        for (boolean ulaw : new boolean[] {true, false}) {
            for (int ms : new int[] {40, 100}) {
                assertEquals(ALL_KEYS + "55", detect(play(ALL_KEYS + "55", ms, ulaw)),
                        ms + " ms, ulaw=" + ulaw);
            }
        }
    }

    @Test
    void multimonNgDecodesEveryKey() throws Exception {
        for (boolean ulaw : new boolean[] {true, false}) {
            assertEquals(ALL_KEYS + "55", Multimon.decode(play(ALL_KEYS + "55", 100, ulaw)), "ulaw=" + ulaw);
        }
    }

    @Tag("allocation")

    @Test
    void playingAllocatesNothing() {
        InbandDtmfGenerator g = new InbandDtmfGenerator();
        short[] frame = new short[160];
        String digits = "123456789*0#ABCD";
        long bytes = Allocations.measure(2000, () -> {
            if (!g.next(frame, 0)) {
                g.enqueue(digits, 100);
            }
        });
        assertTrue(bytes < 4096, "allocated " + bytes + " bytes over 2000 frames");
    }

    /** Every digit Patchbay's detector reports, fed 20 ms frames as a call feeds it. */
    static String detect(short[] audio) {
        InbandDtmfDetector d = new InbandDtmfDetector();
        StringBuilder out = new StringBuilder();
        for (int off = 0; off + 160 <= audio.length; off += 160) {
            char c = d.feed(audio, off, 160);
            if (c != 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
