package dev.patchbay.media.playout;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.testutil.Allocations;
import dev.patchbay.media.testutil.Goertzel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RingbackTest {

    @Test
    void parsesFreeSwitchToneSyntaxAndDefaultsToUsRingback() {
        assertEquals(Ringback.US, Ringback.parse(""));
        assertEquals(Ringback.US, Ringback.parse("%(2000,4000,440,480)"));
        assertEquals(new Ringback(400, 200, 400, 450), Ringback.parse("%(400, 200, 400, 450)"));
        assertEquals(new Ringback(1000, 4000, 425, 0), Ringback.parse("%(1000,4000,425)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ringback.parse("ring"))
                .getMessage().contains("%(on_ms,off_ms,freq_hz[,freq2_hz])"));
        assertThrows(IllegalArgumentException.class, () -> Ringback.parse("%(2010,4000,440,480)"), "not whole frames");
        assertThrows(IllegalArgumentException.class, () -> Ringback.parse("%(2000,4000,440,5000)"), "outside the band");
    }

    @Test
    void aCycleIsTheToneThenSilenceAtMinus19Dbm0PerFrequency() {
        short[] cycle = Ringback.US.cycle();
        assertEquals(6 * 8000, cycle.length);
        short[] on = java.util.Arrays.copyOfRange(cycle, 0, 16000);
        double expected = Math.pow(Ringback.AMPLITUDE / 32768, 2) / 4;
        assertEquals(expected, Goertzel.power(on, 440), expected * 0.05);
        assertEquals(expected, Goertzel.power(on, 480), expected * 0.05);
        assertTrue(Goertzel.power(on, 350) < expected / 1000);
        for (int i = 16000; i < cycle.length; i++) {
            assertEquals(0, cycle[i]);
        }
    }

    @Tag("allocation")

    @Test
    void earlyAudioLoopsWholeFramesInTheCallsCodecWithoutAllocating() {
        short[] samples = new short[250]; // one and a half frames: the second is padded with silence
        java.util.Arrays.fill(samples, (short) 1000);
        EarlyAudio audio = EarlyAudio.of(samples, false);
        assertEquals(2, audio.frames());
        byte[] packet = new byte[12 + 160];
        byte[] encoded = new byte[1];
        G711.encodeAlaw(new short[] {1000}, 0, 1, encoded, 0);
        audio.next(packet, 12);
        assertEquals(encoded[0], packet[12 + 159]);
        audio.next(packet, 12);
        assertEquals(encoded[0], packet[12 + 89]);
        assertEquals(G711.ALAW_SILENCE, packet[12 + 90]);
        audio.next(packet, 12);
        assertArrayEquals(java.util.Arrays.copyOfRange(packet, 12, 172), firstFrame(samples), "back to the start");
        long bytes = Allocations.measure(10_000, () -> audio.next(packet, 12));
        assertTrue(bytes < 1024, bytes + " bytes allocated for 10,000 frames");
    }

    private static byte[] firstFrame(short[] samples) {
        byte[] out = new byte[160];
        G711.encodeAlaw(samples, 0, 160, out, 0);
        return out;
    }
}
