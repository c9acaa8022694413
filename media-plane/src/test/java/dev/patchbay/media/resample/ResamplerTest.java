package dev.patchbay.media.resample;

import dev.patchbay.media.testutil.Allocations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 8 kHz <-> 16 kHz: exact impulse response, measured passband, stopband and round trip. */
class ResamplerTest {

    private static short[] tone(double hz, int rate, int n, double amplitude) {
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return s;
    }

    /** Amplitude of the {@code hz} component of {@code s[from..]} (a single-bin DFT). */
    private static double level(short[] s, int from, double hz, int rate) {
        double re = 0;
        double im = 0;
        int n = s.length - from;
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * hz * i / rate;
            re += s[from + i] * Math.cos(a);
            im += s[from + i] * Math.sin(a);
        }
        return 2 * Math.hypot(re, im) / n;
    }

    private static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    private static short[] up(short[] in) {
        short[] out = new short[in.length * 2];
        new Upsampler().process(in, 0, in.length, out, 0);
        return out;
    }

    private static short[] down(short[] in) {
        Downsampler d = new Downsampler();
        short[] out = new short[in.length / 2];
        int n = 0;
        for (short s : in) {
            if (d.push(s)) {
                out[n++] = d.output();
            }
        }
        assertEquals(out.length, n, "one output per two inputs");
        return out;
    }

    @Test
    void filterIsASymmetricHalfbandWithUnityGain() {
        int[] h = HalfbandFilter.Q15;
        int sum = 0;
        for (int n = 0; n < h.length; n++) {
            assertEquals(h[n], h[h.length - 1 - n], "linear phase");
            if ((n - HalfbandFilter.CENTRE) % 2 == 0 && n != HalfbandFilter.CENTRE) {
                assertEquals(0, h[n], "half-band: every other tap is zero");
            }
            sum += h[n];
        }
        assertEquals(32768, sum);
        assertEquals(16384, h[HalfbandFilter.CENTRE]);
    }

    @Test
    void upsamplerImpulseResponseIsTheFilterExactly() {
        short[] impulse = new short[30];
        impulse[0] = 16384; // half scale: the factor 2 of interpolation makes the output the raw Q15 taps
        short[] out = up(impulse);
        for (int m = 0; m < HalfbandFilter.TAPS; m++) {
            assertEquals(HalfbandFilter.Q15[m], out[m], "sample " + m);
        }
        for (int m = HalfbandFilter.TAPS; m < out.length; m++) {
            assertEquals(0, out[m]);
        }
    }

    @Test
    void upsamplingKeepsSpeechBandAndRejectsImages() {
        for (double hz : new double[] {300, 1000, 3000}) {
            short[] out = up(tone(hz, 8000, 4000, 10000));
            double gain = level(out, 200, hz, 16000) / 10000;
            assertTrue(Math.abs(db(gain)) < 0.1, hz + " Hz passband " + db(gain) + " dB");
            double image = level(out, 200, 8000 - hz, 16000) / 10000;
            assertTrue(db(image) < -60 || hz == 3000 && db(image) < -30, hz + " Hz image at " + (8000 - hz) + " Hz: " + db(image) + " dB");
        }
    }

    @Test
    void downsamplingKeepsSpeechBandAndRejectsAliases() {
        double pass = level(down(tone(1000, 16000, 8000, 10000)), 100, 1000, 8000) / 10000;
        assertTrue(Math.abs(db(pass)) < 0.1, "1 kHz passband " + db(pass) + " dB");
        double alias = level(down(tone(6000, 16000, 8000, 10000)), 100, 2000, 8000) / 10000;
        assertTrue(db(alias) < -60, "6 kHz folds to 2 kHz at " + db(alias) + " dB");
    }

    @Test
    void roundTripIsTransparentForSpeechBand() {
        short[] original = tone(1000, 8000, 4000, 12000);
        short[] back = down(up(original));
        int delay = HalfbandFilter.CENTRE; // 23 samples at 16 kHz each way = 23 at 8 kHz in total
        double signal = 0;
        double noise = 0;
        for (int i = 200; i < original.length - delay; i++) {
            signal += (double) original[i] * original[i];
            double e = back[i + delay] - original[i];
            noise += e * e;
        }
        assertTrue(10 * Math.log10(signal / noise) > 50, "round trip SNR " + 10 * Math.log10(signal / noise) + " dB");
    }

    @Tag("allocation")

    @Test
    void streamingAllocatesNothing() {
        Upsampler u = new Upsampler();
        Downsampler d = new Downsampler();
        short[] in = tone(1000, 8000, 160, 8000);
        short[] wide = new short[320];
        long bytes = Allocations.measure(2000, () -> {
            u.process(in, 0, 160, wide, 0);
            for (short s : wide) {
                d.push(s);
            }
        });
        assertTrue(bytes < 4096, "allocated " + bytes + " bytes over 2000 frames");
    }
}
