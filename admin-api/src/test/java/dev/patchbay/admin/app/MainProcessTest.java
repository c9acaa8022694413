package dev.patchbay.admin.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.startup.Startup;
import dev.patchbay.startup.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The real {@code main} in its own JVM, configured only through environment variables. */
class MainProcessTest {

    private static final Pattern READY = Pattern.compile("admin-api ready on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path var;

    @Test
    void portInUseIsOneLineAndExit2() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ChildJvm run = run(Map.of("PATCHBAY_ADMIN_SERVER_PORT", String.valueOf(busy.getLocalPort())));
            assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
            assertTrue(run.singleFailureLine().endsWith("admin-api cannot listen on 127.0.0.1:" + busy.getLocalPort()
                    + ": port in use; set patchbay.admin.server.port (env PATCHBAY_ADMIN_SERVER_PORT) to a free port"), run::toString);
        }
    }

    @Test
    void badSettingIsOneLineWithKeyValueAndRemedyAndExit2() throws Exception {
        ChildJvm run = run(Map.of("PATCHBAY_ADMIN_SERVER_PORT", "eighty"));
        assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
        assertTrue(run.singleFailureLine().endsWith("admin-api cannot start: patchbay.admin.server.port is 'eighty': set it"
                + " (env PATCHBAY_ADMIN_SERVER_PORT) to a whole number"), run::toString);
    }

    /** Read like the other processes: the file overrides the defaults (here with a value it must reject). */
    @Test
    void readsTheFileNamedByPatchbayConfig() throws Exception {
        Path file = Files.writeString(var.resolve("patchbay.yaml"), "patchbay:\n  admin:\n    keys:\n      overlap: P90D\n");
        ChildJvm run = run(Map.of("PATCHBAY_CONFIG", file.toString()));
        assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
        assertTrue(run.singleFailureLine().endsWith("admin-api cannot start: patchbay.admin.keys.overlap is 'P90D': set it"
                + " (env PATCHBAY_ADMIN_KEYS_OVERLAP) to an ISO-8601 duration from PT0S to P30D, e.g. PT24H"), run::toString);
    }

    @Test
    void readyLineHealthAndGracefulStopOnSigterm() throws Exception {
        // With DB_CLOSE_ON_EXIT=FALSE only our shutdown hook closes H2, and only a close removes its lock file.
        Path lock = var.resolve("db/patchbay.lock.db");
        Process p = start(Map.of("PATCHBAY_ADMIN_SERVER_PORT", "0", "PATCHBAY_DB_CONNECTION_URL", "jdbc:h2:file:"
                + var.resolve("db/patchbay") + ";FILE_LOCK=FILE;DB_CLOSE_ON_EXIT=FALSE;DATABASE_TO_LOWER=TRUE"));
        Lines out = new Lines(p);
        try {
            Matcher ready = out.await(READY, 60);
            String key = Files.readString(var.resolve("admin-key")).strip();
            ApiClient client = new ApiClient(Integer.parseInt(ready.group(1)), key);
            assertEquals(200, client.withKey(null).get("/health").status());
            assertEquals(200, client.get("/v1/workspaces/ws_demo").status());
            assertTrue(Files.exists(lock), "H2 holds its lock file while running");

            // SIGTERM through the handle: Process.destroy() would also close our end of its output.
            p.toHandle().destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "admin-api did not stop on SIGTERM");
            assertFalse(Files.exists(lock), "the shutdown hook did not close the database");
            String log = out.all();
            assertFalse(log.contains(key), "the operator key must never be logged");
            assertTrue(log.contains(var.resolve("admin-key").toString()), "the key file location is logged");
        } finally {
            p.destroyForcibly();
        }
    }

    private ChildJvm run(Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(Map.of("PATCHBAY_ADMIN_SERVER_HOST", "127.0.0.1",
                "PATCHBAY_VAR", var.toString(), "PATCHBAY_DB_CONNECTION_URL", "jdbc:h2:file:" + var.resolve("db/patchbay")));
        all.putAll(env);
        return ChildJvm.run(AdminApiMain.class, all, var);
    }

    private Process start(Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                AdminApiMain.class.getName()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PATCHBAY_"));
        pb.environment().put("PATCHBAY_ADMIN_SERVER_HOST", "127.0.0.1");
        pb.environment().put("PATCHBAY_VAR", var.toString());
        pb.environment().put("PATCHBAY_DB_CONNECTION_URL", "jdbc:h2:file:" + var.resolve("db/patchbay"));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The child's output, line by line, read on its own thread so waiting is bounded by a timeout. */
    private static final class Lines {
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();
        private final Thread reader;

        Lines(Process p) {
            reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        queue.add(line);
                    }
                } catch (IOException e) {
                    queue.add("<output closed: " + e.getMessage() + ">");
                }
            });
        }

        Matcher await(Pattern pattern, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (Matcher m = find(pattern); ; m = find(pattern)) {
                if (m != null) {
                    return m;
                }
                String line = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("no line matching " + pattern + " within " + seconds + " s; output:\n" + String.join("\n", seen));
                }
                seen.add(line);
            }
        }

        String all() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(10));
            queue.drainTo(seen);
            return String.join("\n", seen);
        }

        private Matcher find(Pattern pattern) {
            for (String line : seen) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            return null;
        }
    }
}
