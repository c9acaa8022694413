package dev.patchbay.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.patchbay.media.testutil.Await;

/**
 * The control-plane as its own JVM, started the way {@code ./patchbay up} starts it, so a test can
 * kill it with SIGKILL, as a crashed node or an OOM kill would, and start another.
 */
final class ControlPlaneProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private ControlPlaneProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ControlPlaneProcess start(Map<String, String> properties, int port, Path log) throws Exception {
        return start(properties, port, log, Duration.ofSeconds(30));
    }

    /** As above, waiting up to {@code startup} for it: a JVM start took 76 s on a two-core box under a load of 30. */
    static ControlPlaneProcess start(Map<String, String> properties, int port, Path log, Duration startup) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-Dpatchbay.control.server.port=" + port);
        command.add("dev.patchbay.control.app.ControlPlaneMain");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // The shipped defaults, not whichever module's application.yaml comes first on the test class path.
        pb.environment().put("PATCHBAY_CONFIG", Path.of("..", "control-plane", "src/main/resources/application.yaml")
                .toAbsolutePath().toString());
        ControlPlaneProcess cp = new ControlPlaneProcess(pb.start(), port);
        Await.until(cp::healthy, startup, "the control-plane process to answer /health (log: " + log + ")");
        return cp;
    }

    private boolean healthy() {
        if (!process.isAlive()) {
            throw new AssertionError("the control-plane process exited with " + process.exitValue());
        }
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"connected\":true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL: no shutdown hook runs, no lease is released, the gRPC streams just break. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
