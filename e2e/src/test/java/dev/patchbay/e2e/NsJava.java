package dev.patchbay.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Patchbay process as its own JVM inside a network namespace ({@code ip netns exec NS java ...}),
 * started as {@code ./patchbay up} starts it (the module's shipped application.yaml, overrides as
 * system properties), so a test can send it SIGTERM or SIGKILL as an orchestrator or a crash would.
 */
final class NsJava implements AutoCloseable {

    final String name;
    final Path log;
    private final Process process;
    private final java.util.concurrent.CompletableFuture<Instant> exited;

    private NsJava(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
        this.exited = process.onExit().thenApply(p -> Instant.now());
    }

    /** Starts {@code mainClass} of {@code module} in {@code ns} with {@code properties}; logs to {@code dir/name.log}. */
    static NsJava start(Netns netns, String ns, String name, String module, String mainClass, Map<String, String> properties,
                        Path dir) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                // Five JVMs share two cores with the build: small heaps, one GC thread, no C2 warm-up storms.
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add(mainClass);
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = netns.process(ns, command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PATCHBAY_CONFIG", Path.of("..", module, "src/main/resources/application.yaml")
                .toAbsolutePath().toString());
        return new NsJava(name, log, pb.start());
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM: what Kubernetes and systemd send first. */
    void sigterm() {
        process.destroy();
    }

    /** SIGKILL: no shutdown hook, no drain, the row stays behind. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Waits for the exit; returns when it happened and the code, or fails naming the log. */
    Exit awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + limit + " (log: " + log + ")");
        }
        return new Exit(exited.join(), process.exitValue());
    }

    record Exit(Instant at, int code) {
    }

    /** The end of the log, for an assertion message. */
    String tail() {
        try {
            String text = Files.readString(log);
            return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
