package dev.patchbay.agents.ai;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import dev.patchbay.rest.ProblemException;

/**
 * Renders text to a WAV file with espeak-ng, one process per request. The text goes in on stdin,
 * never on the command line, so it cannot be read as an option.
 */
final class Espeak {

    private final VoiceConfig config;
    // espeak-ng's voice names, read once on first use: the set does not change while we run.
    private volatile Set<String> voices;

    Espeak(VoiceConfig config) {
        this.config = config;
    }

    /**
     * The espeak voice for a seed voice name such as {@code en-US-Neural2-A}: its language and region
     * ({@code en-us}) if espeak has that voice, else the language alone ({@code en}), else the default.
     */
    String voice(String requested) {
        String[] parts = requested.toLowerCase(Locale.ROOT).split("[-_]");
        Set<String> known = voices();
        if (parts.length >= 2 && known.contains(parts[0] + "-" + parts[1])) {
            return parts[0] + "-" + parts[1];
        }
        return known.contains(parts[0]) ? parts[0] : config.defaultVoice();
    }

    /** A WAV of {@code text}; {@code wpm} words per minute, {@code pitch} 0..99 (espeak's 50 is neutral). */
    byte[] render(String text, String voice, int wpm, int pitch) {
        Path out = null;
        try {
            out = Files.createTempFile("patchbay-tts-", ".wav");
            Process p = start(List.of(config.espeak(), "-v", voice, "-s", Integer.toString(wpm), "-p",
                    Integer.toString(pitch), "-w", out.toString(), "--stdin"));
            try (OutputStream in = p.getOutputStream()) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(config.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw ProblemException.of(503, "espeak-ng took longer than " + config.timeout().toSeconds()
                        + " s (patchbay.agents.voice.timeout); try a shorter text");
            }
            if (p.exitValue() != 0) {
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                throw new IllegalStateException("espeak-ng exited with " + p.exitValue() + ": " + err);
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new IllegalStateException("rendering speech with espeak-ng failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.of(503, "interrupted while rendering speech");
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless and the OS cleans its temp directory
                }
            }
        }
    }

    private Set<String> voices() {
        Set<String> v = voices;
        if (v == null) {
            v = new TreeSet<>();
            try {
                Process p = start(List.of(config.espeak(), "--voices"));
                String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
                for (String line : listing.split("\n")) {
                    String[] cols = line.strip().split("\\s+");
                    if (cols.length > 1 && !cols[0].equals("Pty")) {
                        v.add(cols[1].toLowerCase(Locale.ROOT));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("listing espeak-ng voices failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ProblemException.of(503, "interrupted while listing voices");
            }
            voices = Set.copyOf(v);
        }
        return v;
    }

    private Process start(List<String> command) throws IOException {
        try {
            return new ProcessBuilder(new ArrayList<>(command)).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw ProblemException.of(503, "speech synthesis needs espeak-ng, which could not be started ("
                    + e.getMessage() + "): install it (apt-get install espeak-ng) or set patchbay.agents.voice.espeak");
        }
    }
}
