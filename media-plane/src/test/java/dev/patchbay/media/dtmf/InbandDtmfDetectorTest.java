package dev.patchbay.media.dtmf;

import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.testutil.Allocations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ITU-T Q.24 / Bellcore acceptance figures from INTEROP.md, on synthesised signals. */
class InbandDtmfDetectorTest {

    private static final String KEYS = "123A456B789C*0#D";
    private static final double[] ROWS = {697, 770, 852, 941};
    private static final double[] COLUMNS = {1209, 1336, 1477, 1633};
    private static final double LEVEL = 6000; // per tone, about -15 dBFS

    /** Audio with {@code key} played for {@code toneMs} after {@code leadMs} of silence, then silence. */
    private static short[] signal(char key, double toneMs, int leadMs, double rowShift, double colShift,
                                  double rowLevel, double colLevel, double noiseRms, long seed) {
        int k = KEYS.indexOf(key);
        double row = ROWS[k / 4] * (1 + rowShift);
        double col = COLUMNS[k % 4] * (1 + colShift);
        int lead = leadMs * 8;
        int tone = (int) Math.round(toneMs * 8);
        short[] s = new short[lead + tone + 800];
        Random random = new Random(seed);
        for (int i = 0; i < s.length; i++) {
            double v = noiseRms * random.nextGaussian();
            if (i >= lead && i < lead + tone) {
                int t = i - lead;
                v += rowLevel * Math.sin(2 * Math.PI * row * t / 8000) + colLevel * Math.sin(2 * Math.PI * col * t / 8000);
            }
            s[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        return s;
    }

    private static short[] tone(char key, double ms, int leadMs) {
        return signal(key, ms, leadMs, 0, 0, LEVEL, LEVEL, 0, 1);
    }

    /** At 16 kHz (a G.722 call) the same Q.24 figures hold: 40 ms and 1.5% off detected, 20 ms and 3.5% off not. */
    @Test
    void atSixteenKilohertzTheAcceptanceFiguresHold() {
        for (char key : KEYS.toCharArray()) {
            assertEquals(String.valueOf(key), detect16k(key, 40, 0.015), "40 ms of " + key + ", 1.5% high");
            assertEquals(String.valueOf(key), detect16k(key, 40, -0.015), "40 ms of " + key + ", 1.5% low");
            assertEquals("", detect16k(key, 20, 0), "20 ms of " + key);
            assertEquals("", detect16k(key, 60, 0.035), "60 ms of " + key + ", 3.5% high");
            assertEquals("", detect16k(key, 60, -0.035), "60 ms of " + key + ", 3.5% low");
        }
    }

    /** {@code key} for {@code toneMs} at 16 kHz, both tones {@code shift} off, fed as 320-sample frames. */
    private static String detect16k(char key, int toneMs, double shift) {
        int k = KEYS.indexOf(key);
        double row = ROWS[k / 4] * (1 + shift);
        double col = COLUMNS[k % 4] * (1 + shift);
        short[] s = new short[16 * (30 + toneMs + 100) / 320 * 320 + 320];
        for (int i = 16 * 30; i < 16 * (30 + toneMs); i++) {
            int t = i - 16 * 30;
            s[i] = (short) Math.round(LEVEL * (Math.sin(2 * Math.PI * row * t / 16000) + Math.sin(2 * Math.PI * col * t / 16000)));
        }
        return detect(s, new InbandDtmfDetector(16000), 320);
    }

    /** Every digit reported, feeding 20 ms frames as a call does. */
    private static String detect(short[] audio) {
        return detect(audio, new InbandDtmfDetector(), 160);
    }

    /** Every digit {@code d} reports, fed frames of {@code frame} samples. */
    private static String detect(short[] audio, InbandDtmfDetector d, int frame) {
        StringBuilder out = new StringBuilder();
        for (int off = 0; off + frame <= audio.length; off += frame) {
            char c = d.feed(audio, off, frame);
            if (c != 0) {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Test
    void everyKeyIsDetectedOnce() {
        for (char key : KEYS.toCharArray()) {
            assertEquals(String.valueOf(key), detect(tone(key, 50, 30)), "key " + key);
        }
    }

    @Test
    void fortyMsIsDetectedAndUnderTwentyThreeIsRejectedAtEveryAlignment() {
        for (int lead = 20; lead < 40; lead++) {
            assertEquals("5", detect(tone('5', 40, lead)), "40 ms after " + lead + " ms");
            assertEquals("", detect(tone('5', 22.9, lead)), "22.9 ms after " + lead + " ms");
        }
    }

    @Test
    void onePointFivePercentOffIsDetectedAndThreePointFiveRejected() {
        for (char key : KEYS.toCharArray()) {
            for (double sign : new double[] {-1, 1}) {
                assertEquals(String.valueOf(key), detect(signal(key, 50, 30, sign * 0.015, sign * 0.015, LEVEL, LEVEL, 0, 1)),
                        key + " at " + sign * 1.5 + "%");
                assertEquals(String.valueOf(key), detect(signal(key, 50, 30, sign * 0.015, -sign * 0.015, LEVEL, LEVEL, 0, 1)),
                        key + " at +-1.5% apart");
                assertEquals("", detect(signal(key, 50, 30, sign * 0.035, sign * 0.035, LEVEL, LEVEL, 0, 1)),
                        key + " at " + sign * 3.5 + "%");
            }
        }
    }

    @Test
    void twistOfEightDbNormalAndFourReverseIsAccepted() {
        double eight = Math.pow(10, -8.0 / 20);
        double four = Math.pow(10, -4.0 / 20);
        for (char key : KEYS.toCharArray()) {
            assertEquals(String.valueOf(key), detect(signal(key, 50, 30, 0, 0, LEVEL, LEVEL * eight, 0, 1)), key + " normal twist");
            assertEquals(String.valueOf(key), detect(signal(key, 50, 30, 0, 0, LEVEL * four, LEVEL, 0, 1)), key + " reverse twist");
        }
    }

    @Test
    void fifteenDbSignalToNoiseIsEnough() {
        // Two tones of amplitude A carry A^2 of power; noise 15 dB below that.
        double noiseRms = Math.sqrt(LEVEL * LEVEL / Math.pow(10, 1.5));
        for (char key : KEYS.toCharArray()) {
            for (long seed = 1; seed <= 5; seed++) {
                assertEquals(String.valueOf(key), detect(signal(key, 50, 30, 0, 0, LEVEL, LEVEL, noiseRms, seed)),
                        key + " in noise, seed " + seed);
            }
        }
    }

    /**
     * The weakest tones the level rule accepts (about -38 dBFS each, amplitude 400) are still found,
     * so the energy gate that skips the filters for quiet audio never hides a valid digit; a little
     * under that level nothing is.
     */
    @Test
    void theQuietGateKeepsEveryTheLevelRuleAccepts() {
        for (char key : KEYS.toCharArray()) {
            assertEquals(String.valueOf(key), detect(signal(key, 60, 30, 0, 0, 440, 440, 0, 1)), key + " at amplitude 440");
            assertEquals("", detect(signal(key, 60, 30, 0, 0, 360, 360, 0, 1)), key + " at amplitude 360");
        }
    }

    @Test
    void aRepeatedKeyNeedsAGapAndIsCountedTwice() {
        short[] first = tone('1', 60, 30);
        short[] second = tone('1', 60, 45); // 45 ms of silence between them
        short[] both = new short[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length - 800 + 0);
        System.arraycopy(second, 0, both, first.length - 800, second.length);
        assertEquals("11", detect(both));
        assertEquals("1", detect(tone('1', 2000, 30)), "a long press is one digit");
    }

    @Test
    void speechYieldsNoDigits() throws IOException {
        byte[] ulaw;
        try (InputStream in = getClass().getResourceAsStream("/speech/talkoff-8k.ul")) {
            ulaw = in.readAllBytes();
        }
        short[] pcm = new short[ulaw.length];
        G711.decodeUlaw(ulaw, 0, ulaw.length, pcm, 0);
        assertTrue(pcm.length > 8000 * 60, "over a minute of speech from espeak-ng");
        assertEquals("", detect(pcm), "talk-off: synthetic speech must not produce digits");
    }

    @Tag("allocation")

    @Test
    void detectionAllocatesNothing() {
        InbandDtmfDetector d = new InbandDtmfDetector();
        short[] audio = tone('9', 100, 0);
        long bytes = Allocations.measure(500, () -> d.feed(audio, 0, 160));
        assertTrue(bytes < 4096, "allocated " + bytes + " bytes over 500 frames");
    }

}
