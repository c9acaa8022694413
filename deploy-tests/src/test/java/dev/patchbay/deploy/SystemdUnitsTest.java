package dev.patchbay.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd: `systemd-analyze verify` on each unit, the drain and stop settings, the variables,
 * and the media-plane unit's command and environment run for real and stopped with its KillSignal.
 */
class SystemdUnitsTest {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(SystemdUnitsTest.class.getName());
    static final Repo REPO = Repo.current();
    static final List<String> PROCESSES = List.of("media-plane", "control-plane", "admin-api");
    /** What the units' ExecStart runs; the verify root holds a stand-in there (see verifyRoot). */
    static final String JAVA = "/opt/patchbay/jre/bin/java";

    static Unit unit(String process) throws IOException {
        return Unit.read(REPO.path("deploy/systemd/patchbay-" + process + ".service"));
    }

    /**
     * A root for `systemd-analyze verify --root`: this machine's system units (the targets the units
     * name) plus ours, and an executable at the ExecStart path. verify checks only that the command
     * exists and is executable, so that file is a two-line shell script, not a Java runtime; the real
     * command line is run by {@link #theMediaPlaneUnitsCommandStopsOnItsKillSignalWithASuccessStatus}.
     */
    static Path verifyRoot(Path root) throws IOException, InterruptedException {
        Path system = root.resolve("etc/systemd/system");
        Files.createDirectories(system);
        Files.createDirectories(root.resolve("usr/lib/systemd"));
        assertEquals(0, Processes.run(root, 60, List.of("cp", "-r", "/usr/lib/systemd/system",
                root.resolve("usr/lib/systemd").toString())).exit());
        Path java = root.resolve(JAVA.substring(1));
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String p : PROCESSES) {
            Files.copy(REPO.path("deploy/systemd/patchbay-" + p + ".service"), system.resolve("patchbay-" + p + ".service"));
        }
        return system;
    }

    static Processes.Result verify(Path root, Path unitFile) throws IOException, InterruptedException {
        return Processes.run(root, 120, List.of("systemd-analyze", "verify", "--man=no", "--root=" + root, unitFile.toString()));
    }

    @Test
    void everyUnitPassesSystemdAnalyzeVerify(@TempDir Path root) throws Exception {
        assumeTrue(Processes.onPath("systemd-analyze"), "systemd-analyze is not installed (Debian: systemd)");
        Path system = verifyRoot(root);
        for (String p : PROCESSES) {
            Processes.Result r = verify(root, system.resolve("patchbay-" + p + ".service"));
            // verify exits 0 on settings it ignores with a warning, so any output is a failure too.
            assertEquals(0, r.exit(), p + ": " + r.stderr());
            assertEquals("", (r.stdout() + r.stderr()).strip(), p);
        }
    }

    @Test
    void verifyReportsABrokenUnit(@TempDir Path root) throws Exception {
        assumeTrue(Processes.onPath("systemd-analyze"), "systemd-analyze is not installed (Debian: systemd)");
        Path system = verifyRoot(root);
        Path unit = system.resolve("patchbay-media-plane.service");
        Files.writeString(unit, Files.readString(unit).replace("KillSignal=SIGTERM", "KillSignal=SIGDRAIN"));
        Processes.Result r = verify(root, unit);
        assertTrue(r.stderr().contains("SIGDRAIN"), r.stderr());
        Files.delete(root.resolve(JAVA.substring(1)));
        r = verify(root, system.resolve("patchbay-admin-api.service"));
        assertTrue(r.exit() != 0 && r.stderr().contains(JAVA), r.stderr());
    }

    @Test
    void stopIsSigtermAndOutlastsTheDrain() throws Exception {
        for (String p : PROCESSES) {
            Unit u = unit(p);
            assertEquals("SIGTERM", u.one("KillSignal"), p);
            assertTrue(u.all("EnvironmentFile").contains("/etc/patchbay/patchbay.env"), p);
            assertTrue(u.all("EnvironmentFile").contains("-/etc/patchbay/" + p + ".env"), p);
            assertTrue(u.one("ExecStart").startsWith(JAVA + " "), p);
            assertTrue(u.one("ExecStart").endsWith("-jar /opt/patchbay/" + p + "/patchbay-" + p + ".jar"), p);
        }
        Unit media = unit("media-plane");
        Duration drain = Duration.parse(media.environment().get("PATCHBAY_SHUTDOWN_DRAIN"));
        assertTrue(media.seconds("TimeoutStopSec").compareTo(drain) > 0,
                "TimeoutStopSec " + media.one("TimeoutStopSec") + " must outlast the drain " + drain);
    }

    @Test
    void everyVariableIsAKeyOfTheProcessThatReadsIt() throws Exception {
        Set<String> shared = envFile(REPO.path("deploy/systemd/patchbay.env.example")).keySet();
        Set<String> readByNone = new TreeSet<>(shared);
        readByNone.remove("PATCHBAY_JAVA_OPTS"); // the units' ExecStart reads it
        for (String p : PROCESSES) {
            Set<String> names = new TreeSet<>(unit(p).environment().keySet());
            names.addAll(envFile(REPO.path("deploy/systemd/" + p + ".env.example")).keySet());
            assertEquals(Set.of(), REPO.unread(p, names), p + " reads no such keys");
            // The shared file goes to every process; each of its keys must be read by at least one.
            Set<String> read = new TreeSet<>(readByNone);
            read.removeAll(REPO.unread(p, readByNone));
            readByNone.removeAll(read);
        }
        assertEquals(Set.of(), readByNone, "patchbay.env.example sets keys no process reads");
    }

    /**
     * The media-plane unit's own environment and ExecStart main class, run as systemd would (the test's
     * JDK standing in for /opt/patchbay/jre), stopped with the unit's KillSignal: the exit status must
     * be one systemd counts as success, well within TimeoutStopSec.
     */
    @Test
    void theMediaPlaneUnitsCommandStopsOnItsKillSignalWithASuccessStatus(@TempDir Path var) throws Exception {
        Unit u = unit("media-plane");
        assertEquals("SIGTERM", u.one("KillSignal")); // Process.destroy() sends SIGTERM on Linux
        Map<String, String> env = new HashMap<>(u.environment());
        env.putAll(envFile(REPO.path("deploy/systemd/media-plane.env.example")));
        env.remove("PATCHBAY_RTP_ADVERTISE"); // a documentation address; nothing is sent to it, but keep it out
        env.put("PATCHBAY_VAR", var.toString());
        env.put("PATCHBAY_RECORDING_DIR", var.resolve("recordings").toString());
        env.put("PATCHBAY_SIP_HOST", "127.0.0.1");
        env.put("PATCHBAY_SIP_PORT", String.valueOf(freeUdpAndTcpPort()));
        env.put("PATCHBAY_SIP_TLS_PORT", "0");
        env.put("PATCHBAY_GRPC_HOST", "127.0.0.1");
        env.put("PATCHBAY_GRPC_PORT", "0");
        env.put("PATCHBAY_MEDIA_OBSERVE_PORT", "0");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "dev.patchbay.media.app.MediaPlaneMain"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(var.resolve("out.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PATCHBAY_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            awaitReady(p, var.resolve("out.log"));
            long t0 = System.nanoTime();
            p.destroy();
            assertTrue(p.waitFor(u.seconds("TimeoutStopSec").toSeconds(), TimeUnit.SECONDS), "did not stop within TimeoutStopSec");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            Set<Integer> success = new java.util.HashSet<>(Set.of(0));
            for (String s : u.one("SuccessExitStatus").split(" ")) {
                success.add(Integer.parseInt(s));
            }
            assertTrue(success.contains(p.exitValue()), "exit " + p.exitValue() + " is a failure to systemd (SuccessExitStatus="
                    + u.one("SuccessExitStatus") + "); log: " + Files.readString(var.resolve("out.log")));
            LOG.info("media-plane with no calls stopped " + ms + " ms after SIGTERM, exit " + p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    private static void awaitReady(Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("media-plane ready")) {
            assertTrue(p.isAlive(), "media-plane exited: " + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "not ready in 60 s: " + Files.readString(log));
            p.waitFor(100, TimeUnit.MILLISECONDS);
        }
    }

    static Map<String, String> envFile(Path f) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (Stream<String> lines = Files.lines(f)) {
            lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
                int eq = l.indexOf('=');
                out.put(l.substring(0, eq), l.substring(eq + 1));
            });
        }
        return out;
    }

    /** A port free for both UDP and TCP on loopback right now (SIP binds both). */
    private static int freeUdpAndTcpPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return udp.getLocalPort();
            } catch (IOException taken) {
                // the UDP side was taken: try another
            }
        }
        throw new IOException("no port free for both UDP and TCP on loopback");
    }
}
