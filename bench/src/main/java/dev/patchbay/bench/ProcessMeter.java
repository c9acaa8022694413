package dev.patchbay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one process's CPU time and resident memory from {@code /proc}, and its heap through
 * {@code jcmd}: the load generator's view of a process it does not share a JVM with.
 */
final class ProcessMeter {

    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+)\\s+kB");
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final long pid;
    private final String jcmd;
    private final long nanosPerTick;

    /**
     * @param pid   the process to meter
     * @param jcmd  the jcmd binary, or null for a process that is not a JVM (SIPp)
     * @param ticksPerSecond the kernel's USER_HZ ({@code getconf CLK_TCK}, 100 on Linux)
     */
    ProcessMeter(long pid, String jcmd, long ticksPerSecond) {
        this.pid = pid;
        this.jcmd = jcmd;
        this.nanosPerTick = 1_000_000_000L / ticksPerSecond;
    }

    long pid() {
        return pid;
    }

    /** User plus system CPU time so far, in nanoseconds. */
    long cpuNanos() throws IOException {
        return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) * nanosPerTick;
    }

    /** Resident set size in KB. */
    long rssKb() throws IOException {
        return rssKb(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    }

    /** Heap in use after a full GC, in KB; -1 for a process that is not a JVM. */
    long heapAfterGcKb() throws IOException, InterruptedException {
        if (jcmd == null) {
            return -1;
        }
        run(List.of(jcmd, Long.toString(pid), "GC.run"));
        return heapUsedKb(run(List.of(jcmd, Long.toString(pid), "GC.heap_info")));
    }

    /**
     * utime + stime (fields 14 and 15 of {@code /proc/<pid>/stat}), counted after the command name,
     * which is in parentheses and may itself contain spaces and parentheses.
     */
    static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state), so field n is f[n - 3].
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static long rssKb(String status) {
        Matcher m = RSS.matcher(status);
        if (!m.find()) {
            throw new IllegalStateException("no VmRSS line in /proc/<pid>/status; is this Linux, and is the process alive?");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * The sum of every heap region's "used NNNK" in GC.heap_info output (Metaspace is not heap); -1 for a
     * collector that reports otherwise (ZGC), which must read as unknown rather than as an empty heap.
     */
    static long heapUsedKb(String heapInfo) {
        long sum = 0;
        boolean read = false;
        for (String line : heapInfo.split("\n")) {
            if (line.contains("Metaspace") || line.contains("class space")) {
                continue;
            }
            Matcher m = USED.matcher(line);
            if (m.find()) {
                sum += Long.parseLong(m.group(1));
                read = true;
            }
        }
        return read ? sum : -1;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 30 s; the target JVM may be stuck");
        }
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }
}
