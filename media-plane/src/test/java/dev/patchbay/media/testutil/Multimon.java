package dev.patchbay.media.testutil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** multimon-ng (Debian), the independent DTMF decoder the in-band DTMF tests check against. */
public final class Multimon {

    private Multimon() {
    }

    /**
     * The digits multimon-ng hears in 8 kHz PCM: written as s16le, resampled by sox to the 22050 Hz
     * its raw input expects, then {@code multimon-ng -a DTMF}.
     */
    public static String decode(short[] pcm8k) throws IOException, InterruptedException {
        for (String tool : List.of("multimon-ng", "sox")) {
            if (!Files.isExecutable(Path.of("/usr/bin", tool))) {
                throw new AssertionError(tool + " is not installed: run `apt-get install multimon-ng sox`"
                        + " (./patchbay test does it for you)");
            }
        }
        Path dir = Files.createTempDirectory("patchbay-multimon");
        Path raw8k = dir.resolve("in.s16");
        Path raw22k = dir.resolve("in22050.raw");
        ByteBuffer bytes = ByteBuffer.allocate(pcm8k.length * 2 + 16000).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : pcm8k) {
            bytes.putShort(s);
        }
        bytes.position(bytes.limit()); // a second of trailing silence, so the last digit is flushed
        Files.write(raw8k, bytes.array());
        run(dir, List.of("sox", "-t", "raw", "-r", "8000", "-e", "signed", "-b", "16", "-c", "1", raw8k.toString(),
                "-t", "raw", "-r", "22050", "-e", "signed", "-b", "16", "-c", "1", raw22k.toString()));
        String out = run(dir, List.of("multimon-ng", "-q", "-t", "raw", "-a", "DTMF", raw22k.toString()));
        StringBuilder digits = new StringBuilder();
        for (String line : out.split("\n")) {
            if (line.startsWith("DTMF: ")) {
                digits.append(line.substring(6).strip());
            }
        }
        return digits.toString();
    }

    private static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), command + " did not finish");
        String text = new String(out, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + ": " + text);
        return text;
    }
}
