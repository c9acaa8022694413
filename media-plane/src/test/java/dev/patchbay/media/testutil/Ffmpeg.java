package dev.patchbay.media.testutil;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs FFmpeg, the independent codec implementation the codec tests compare against. */
public final class Ffmpeg {

    private Ffmpeg() {
    }

    /** Runs {@code ffmpeg -y} with {@code args}, quietly; fails the test with its output if it fails. */
    public static void run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("ffmpeg failed (install it, with libopus, by scripts/setup.sh): " + command + "\n" + output);
        }
    }
}
