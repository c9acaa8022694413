package dev.patchbay.bench;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The three Patchbay processes as separate JVMs, started the way {@code ./patchbay up} starts them
 * (each {@code java -jar}, configured through environment variables), on free ports, with an H2
 * database under a scratch var directory and the SIP source guard off: the whole load comes from
 * one address. {@link #close} stops them: SIGTERM, then SIGKILL after 15 s.
 */
final class Cluster implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Cluster.class.getName());
    private static final List<String> APPS = List.of("admin-api", "media-plane", "control-plane");

    private final Path var;
    private final Map<String, Process> processes = new HashMap<>();
    private final Thread hook;
    final int sipPort;
    final int adminPort;
    /** The media-plane's observe socket: /metrics. */
    final int mediaObservePort;

    /**
     * @param root      the repository root, whose {@code <app>/target/patchbay-<app>-<version>.jar} run
     * @param version   the project version in the jar names
     * @param maxCalls  sizes the RTP port range and {@code patchbay.call.max}
     * @param rtpMin    first RTP port; the range is {@code 2 * maxCalls + 100} ports above it
     * @param javaOpts  extra JVM options for every process
     */
    Cluster(Path root, String version, int maxCalls, int rtpMin, List<String> javaOpts) throws IOException, InterruptedException {
        this(root, version, maxCalls, rtpMin, javaOpts, Map.of());
    }

    /** The same, with {@code extraEnv} set for every process over the defaults (a setting under test). */
    Cluster(Path root, String version, int maxCalls, int rtpMin, List<String> javaOpts, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        this(root, version, maxCalls, rtpMin, javaOpts, extraEnv, Map.of());
    }

    /** The same, with {@code appEnv.get(app)} set for that process only, over the rest (the soak names each one's database connections). */
    Cluster(Path root, String version, int maxCalls, int rtpMin, List<String> javaOpts, Map<String, String> extraEnv,
            Map<String, Map<String, String>> appEnv) throws IOException, InterruptedException {
        var = Files.createTempDirectory("patchbay-bench-var");
        Files.createDirectories(var.resolve("db"));
        sipPort = freeUdpAndTcpPort();
        adminPort = freeTcpPort();
        int grpcPort = freeTcpPort();
        Map<String, String> env = new HashMap<>();
        env.put("PATCHBAY_LOCAL", "true");
        env.put("PATCHBAY_VAR", var.toString());
        env.put("PATCHBAY_DB_CONNECTION_URL", "jdbc:h2:file:" + var.resolve("db/patchbay") + ";AUTO_SERVER=TRUE;DATABASE_TO_LOWER=TRUE;QUERY_CACHE_SIZE=64");
        env.put("PATCHBAY_RECORDING_DIR", var.resolve("recordings").toString());
        env.put("PATCHBAY_SIP_HOST", "127.0.0.1");
        env.put("PATCHBAY_SIP_PORT", Integer.toString(sipPort));
        env.put("PATCHBAY_SIP_TLS_PORT", "0");
        env.put("PATCHBAY_SIP_GUARD_RATE", "0");
        env.put("PATCHBAY_CALL_MAX", Integer.toString(2 * maxCalls + 100));
        env.put("PATCHBAY_RTP_HOST", "127.0.0.1");
        env.put("PATCHBAY_RTP_PORT_MIN", Integer.toString(rtpMin));
        env.put("PATCHBAY_RTP_PORT_MAX", Integer.toString(rtpMin + 4 * maxCalls + 200));
        env.put("PATCHBAY_GRPC_HOST", "127.0.0.1");
        env.put("PATCHBAY_GRPC_PORT", Integer.toString(grpcPort));
        mediaObservePort = freeTcpPort();
        env.put("PATCHBAY_MEDIA_OBSERVE_PORT", Integer.toString(mediaObservePort));
        env.put("PATCHBAY_ADMIN_SERVER_HOST", "127.0.0.1");
        env.put("PATCHBAY_ADMIN_SERVER_PORT", Integer.toString(adminPort));
        env.put("PATCHBAY_CONTROL_SERVER_HOST", "127.0.0.1");
        env.put("PATCHBAY_CONTROL_SERVER_PORT", Integer.toString(freeTcpPort()));
        env.put("PATCHBAY_CONTROL_MEDIA_NODES", "127.0.0.1:" + grpcPort);
        env.putAll(extraEnv);
        hook = new Thread(this::stopAll, "patchbay-bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            for (String app : APPS) {
                Path jar = root.resolve(app).resolve("target").resolve("patchbay-" + app + "-" + version + ".jar");
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException(jar + " is missing; run ./patchbay build (or ./mvnw -DskipTests package)");
                }
                List<String> command = new ArrayList<>(List.of(java));
                command.addAll(javaOpts);
                command.addAll(List.of("-jar", jar.toString()));
                Path log = var.resolve(app + ".log");
                ProcessBuilder pb = new ProcessBuilder(command).directory(var.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                pb.environment().putAll(env);
                pb.environment().putAll(appEnv.getOrDefault(app, Map.of()));
                processes.put(app, pb.start());
                awaitReady(app, log, Duration.ofSeconds(120));
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    long pid(String app) {
        return processes.get(app).pid();
    }

    Path var() {
        return var;
    }

    /**
     * Keeps the processes' logs in {@code logs} and removes the scratch var directory (database,
     * SIPp output); a failed run keeps the whole directory instead.
     */
    void deleteVar(Path logs) throws IOException {
        Files.createDirectories(logs);
        for (String app : APPS) {
            Path log = var.resolve(app + ".log");
            if (Files.exists(log)) {
                Files.copy(log, logs.resolve(app + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (var files = Files.walk(var)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void awaitReady(String app, Path log, Duration timeout) throws IOException, InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        Process p = processes.get(app);
        while (!Files.readString(log).contains(app + " ready")) {
            if (!p.isAlive()) {
                throw new IllegalStateException(app + " exited with status " + p.exitValue() + " before it was ready; see " + log);
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException(app + " did not log '" + app + " ready' within " + timeout.toSeconds()
                        + " s; see " + log + " (a busy machine may need longer)");
            }
            p.waitFor(200, TimeUnit.MILLISECONDS);
        }
        LOG.info(() -> app + " ready, pid " + p.pid());
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: nothing left to remove
        }
    }

    /** Reverse start order, so the control-plane never sees its media-plane vanish first. */
    private synchronized void stopAll() {
        for (String app : APPS.reversed()) {
            Process p = processes.remove(app);
            if (p == null) {
                continue;
            }
            p.destroy();
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    LOG.warning(() -> app + " ignored SIGTERM for 15 s; killing it");
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** A port free for both UDP and TCP, as SIP binds both. */
    static int freeUdpAndTcpPort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                port = u.getLocalPort();
            }
            try (ServerSocket t = new ServerSocket()) {
                t.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("found no port free for both UDP and TCP in 50 tries");
    }
}
