package dev.patchbay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The two reference echoes, each a separate process that the generator meters like Patchbay:
 * SIPp's own RTP echo ({@code sipp -sn uas -rtp_echo}) and the {@link NioEcho} floor.
 */
final class References {

    private References() {
    }

    /** A reference echo process; closing it kills it. */
    record Echo(Process process, Callers.Target target, Thread hook) implements AutoCloseable {
        Echo(Process process, Callers.Target target) {
            this(process, target, killOnExit(process));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            release(hook);
        }
    }

    /** Kills {@code p} if the generator's JVM exits first (Ctrl-C, an uncaught error). */
    static Thread killOnExit(Process p) {
        Thread hook = new Thread(p::destroyForcibly, "kill-" + p.pid());
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    static void release(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    /** SIPp's UAS answering every INVITE, its RTP echo on one media port for all calls. */
    static Echo sipp(Path dir) throws IOException, InterruptedException {
        int sipPort = Cluster.freeUdpAndTcpPort();
        int mediaPort = Cluster.freeUdpAndTcpPort();
        Files.createDirectories(dir);
        List<String> command = List.of(sippBinary(), "-sn", "uas", "-rtp_echo", "-i", "127.0.0.1", "-mi", "127.0.0.1",
                "-p", Integer.toString(sipPort), "-mp", Integer.toString(mediaPort), "-nostdin");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp-uas.out").toFile()).start();
        Echo echo = new Echo(p, Callers.Target.sip("sipp-echo", sipPort, "echo"));
        if (p.waitFor(1, TimeUnit.SECONDS)) {
            echo.close();
            throw new IllegalStateException("sipp -sn uas -rtp_echo exited with " + p.exitValue() + " at once; see "
                    + dir.resolve("sipp-uas.out"));
        }
        return echo;
    }

    /** The NIO floor in its own JVM (same java, same options as Patchbay's processes). */
    static Echo nio(List<String> javaOpts) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(javaOpts);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NioEcho.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        for (int skipped = 0; line != null && !line.startsWith("nio-echo port ") && skipped < 50; skipped++) {
            line = out.readLine(); // JVM warnings come first on some JDKs
        }
        if (line == null || !line.startsWith("nio-echo port ")) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new IllegalStateException("the NIO echo process did not print its port (it said: " + line + ")");
        }
        int port = Integer.parseInt(line.substring("nio-echo port ".length()).trim());
        return new Echo(p, Callers.Target.direct("nio-echo", new InetSocketAddress("127.0.0.1", port)));
    }

    static String sippBinary() {
        for (String candidate : List.of("/usr/bin/sipp", "/usr/local/bin/sipp")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("SIPp is not installed: run `apt-get install sip-tester` (./patchbay doctor does it)");
    }
}
