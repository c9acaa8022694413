package dev.patchbay.media.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real SIPp (Debian package sip-tester) as a child process in a scratch directory that has
 * the {@code pcap/} link its built-in media scenarios expect.
 */
public final class Sipp {

    public record Result(int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    private Sipp() {
    }

    public static Path workDir() throws IOException {
        Path dir = Files.createTempDirectory("patchbay-sipp");
        Path pcaps = Path.of("/usr/share/sip-tester");
        if (Files.isDirectory(pcaps)) {
            Files.createSymbolicLink(dir.resolve("pcap"), pcaps);
        }
        return dir;
    }

    public static String binary() {
        for (String candidate : List.of("/usr/bin/sipp", "/usr/local/bin/sipp")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new AssertionError("SIPp is not installed: run `apt-get install sip-tester` (./patchbay test does it for you)");
    }

    /** Starts SIPp; the caller waits with {@link #await}. */
    public static Process start(Path dir, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.addAll(args);
        command.addAll(List.of("-nostdin", "-timeout", "30s", "-timeout_error", "-trace_err",
                "-error_file", dir.resolve("errors.log").toString()));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
    }

    public static Result await(Process sipp, Path dir) throws IOException, InterruptedException {
        if (!sipp.waitFor(60, TimeUnit.SECONDS)) {
            sipp.destroyForcibly();
            throw new AssertionError("SIPp did not finish within 60 s");
        }
        StringBuilder out = new StringBuilder();
        for (String f : List.of("sipp.out", "errors.log")) {
            Path p = dir.resolve(f);
            if (Files.exists(p)) {
                String text = Files.readString(p);
                // SIPp's screen dumps are long; the tail holds the verdict.
                out.append("--- ").append(f).append(" ---\n").append(text.length() > 4000 ? text.substring(text.length() - 4000) : text);
            }
        }
        return new Result(sipp.exitValue(), out.toString());
    }

    public static Result run(Path dir, List<String> args) throws IOException, InterruptedException {
        return await(start(dir, args), dir);
    }
}
