package dev.patchbay.control.call;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.patchbay.control.model.Route;
import dev.patchbay.proto.media.v1.Ring;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Ring decision for each early-media choice, with real clip files in a folder. */
class RingingSoundsTest {

    @Test
    void noneRingbackAndClipBecomeTheirRingDecisions() throws Exception {
        Path clips = Files.createTempDirectory("clips");
        byte[] wav = "RIFF\0\0\0\0WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(clips.resolve("queue.wav"), wav);
        RingingSounds sounds = new RingingSounds("%(400,200,400,450)", clips);
        List<String> notes = new ArrayList<>();

        assertFalse(sounds.ring(Route.EarlyMedia.NONE, notes::add).hasEarlyMedia(), "none: a plain 180");
        Ring tone = sounds.ring(new Route.EarlyMedia(Route.EarlyMedia.Mode.RINGBACK, null), notes::add).build();
        assertEquals("%(400,200,400,450)", tone.getEarlyMedia().getRingback().getCadence());
        Ring clip = sounds.ring(new Route.EarlyMedia(Route.EarlyMedia.Mode.CLIP, "queue.wav"), notes::add).build();
        assertArrayEquals(wav, clip.getEarlyMedia().getWav().toByteArray());
        assertTrue(notes.isEmpty(), notes.toString());
    }

    @Test
    void aClipThatCannotBePlayedRingsWithTheToneAndSaysWhy() throws Exception {
        Path clips = Files.createTempDirectory("clips");
        Files.writeString(clips.resolve("text.wav"), "not audio");
        Files.write(clips.getParent().resolve("outside.wav"), new byte[] {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'});
        RingingSounds sounds = new RingingSounds("%(2000,4000,440,480)", clips);
        for (String name : List.of("missing.wav", "text.wav", "../outside.wav")) {
            List<String> notes = new ArrayList<>();
            Ring ring = sounds.ring(new Route.EarlyMedia(Route.EarlyMedia.Mode.CLIP, name), notes::add).build();
            assertEquals("%(2000,4000,440,480)", ring.getEarlyMedia().getRingback().getCadence(), name);
            assertEquals(1, notes.size(), name);
            assertTrue(notes.getFirst().contains(name) && notes.getFirst().contains("ringback instead"), notes.getFirst());
        }
    }

    @Test
    void aBadCadenceIsAStartupErrorNamingItsKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RingingSounds("440+480", Path.of("var")));
        assertTrue(e.getMessage().contains("patchbay.control.early-media.ringback"), e.getMessage());
    }
}
