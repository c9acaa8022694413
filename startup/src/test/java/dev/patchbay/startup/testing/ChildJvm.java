package dev.patchbay.startup.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A process's {@code main} run to its end in a JVM of its own, with the test's class path and an
 * environment without the caller's {@code PATCHBAY_*} variables: the start-up convention is about what
 * a real process prints and returns.
 *
 * @param exit   the exit status
 * @param stdout what it wrote to standard output, by line
 * @param stderr what it wrote to standard error (the log), by line
 */
public record ChildJvm(int exit, List<String> stdout, List<String> stderr) {

    /** How the processes' logging.properties formats a line: time, level, logger, message. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (\\w+) +\\S+: .*");
    private static final Pattern STACK_LINE = Pattern.compile("^\\s+at |^Caused by: |^\\s*\\.\\.\\. \\d+ more|Exception in thread");

    /** Runs {@code main} with {@code env} and waits for it to exit (a generous bound: the box is shared). */
    public static ChildJvm run(Class<?> main, Map<String, String> env, Path dir, String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PATCHBAY_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(main.getSimpleName() + " did not exit within 2 minutes; stderr:\n" + Files.readString(err));
            }
        } finally {
            p.destroyForcibly();
        }
        return new ChildJvm(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                Files.readAllLines(err, StandardCharsets.UTF_8));
    }

    /** The stderr lines that are not INFO or WARNING log lines: what the process said about its failure. */
    public List<String> failureLines() {
        return stderr.stream().filter(line -> {
            var m = LOG_LINE.matcher(line);
            return !m.matches() || !(m.group(1).equals("INFO") || m.group(1).equals("WARNING"));
        }).toList();
    }

    /** How many stack frames the process printed. */
    public long stackLines() {
        return stderr.stream().filter(line -> STACK_LINE.matcher(line).find()).count();
    }

    /** The one failure line, or an AssertionError showing all of stderr. */
    public String singleFailureLine() {
        List<String> failures = failureLines();
        if (failures.size() != 1 || stackLines() != 0) {
            throw new AssertionError("expected one failure line and no stack; stderr:\n" + String.join("\n", stderr));
        }
        return failures.getFirst();
    }

    @Override
    public String toString() {
        return "exit " + exit + ", stderr:\n" + String.join("\n", stderr);
    }
}
