package dev.patchbay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The soak's per-process metrics read from a real child JVM ({@link MeteredChild}) that grows each one on
 * command: the sampler must see exactly what was added. The child runs the serial collector and a fixed
 * number of JIT threads, so that its own thread count holds still between two samples.
 */
class SoakSamplerTest {

    private Process child;
    private Writer commands;
    private BufferedReader answers;
    private ProcessMeter meter;

    @BeforeEach
    void startChild() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:CICompilerCount=2", "-XX:-UseDynamicNumberOfCompilerThreads",
                "-cp", System.getProperty("java.class.path"), MeteredChild.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        answers = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ok", answers.readLine(), "the child JVM started");
        meter = new ProcessMeter(child.pid(), Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), 100);
    }

    @AfterEach
    void stopChild() throws Exception {
        child.destroy();
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
    }

    private void tell(String command) throws Exception {
        commands.write(command + "\n");
        commands.flush();
        assertEquals("ok", answers.readLine(), "the child did " + command);
    }

    @Test
    void udpPortsAndDescriptorsCountTheSocketsBoundAndClosed() throws Exception {
        // The first socket makes the JVM open its networking classes' jars and the like: not counted.
        tell("udp 1");
        tell("close");
        long ports = meter.udpPorts();
        long fds = meter.openFds();
        tell("udp 7");
        assertEquals(ports + 7, meter.udpPorts());
        assertEquals(fds + 7, meter.openFds());
        tell("close");
        assertEquals(ports, meter.udpPorts());
        assertEquals(fds, meter.openFds());
    }

    @Test
    void threadsCountTheThreadsStarted() throws Exception {
        long before = meter.threads();
        tell("threads 25");
        assertEquals(before + 25, meter.threads());
    }

    @Test
    void heapAfterGcSeesWhatIsKeptAndNotWhatIsFreed() throws Exception {
        long base = meter.heapAfterGcKb();
        tell("heap 64");
        long kept = meter.heapAfterGcKb();
        assertTrue(kept - base >= 64 * 1024 && kept - base < 72 * 1024, "64 MB kept: " + base + " KB, then " + kept + " KB");
        tell("free");
        long freed = meter.heapAfterGcKb();
        assertTrue(freed < base + 8 * 1024, "the array freed, the GC run by the meter collects it: " + freed + " KB, base " + base + " KB");
    }

    @Test
    void aSampleHoldsEveryMetricOfEveryProcess() throws Exception {
        tell("udp 3");
        Map<String, Long> m = SoakSampler.measure(meter, 4);
        assertEquals(List.copyOf(Soak.PROCESS_METRICS.keySet()), List.copyOf(m.keySet()));
        assertTrue(m.values().stream().allMatch(v -> v > 0), "every metric read: " + m);
        assertEquals(3, m.get("udp_ports"));
        assertEquals(4, m.get("db_connections"));
    }

    @Test
    void udpTableRowsAreMatchedByInode() {
        String table = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
                  123: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 55501 2 0000000000000000 0
                  124: 0100007F:5208 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 55502 2 0000000000000000 0
                  125: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 99999 2 0000000000000000 0
                """;
        assertEquals(Set.of(5060, 21000), ProcessMeter.udpPorts(table, Set.of("55501", "55502")));
        assertEquals(Set.of(), ProcessMeter.udpPorts(table, Set.of("1")));
    }
}
