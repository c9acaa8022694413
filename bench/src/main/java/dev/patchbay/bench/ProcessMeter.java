package dev.patchbay.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one process's CPU time, resident memory, threads, open files and bound UDP ports from
 * {@code /proc}, and its heap through {@code jcmd}: the load generator's view of a process it does not
 * share a JVM with. jcmd rather than JMX: it needs no port or agent opened on the process under test,
 * and {@code GC.class_histogram} makes the heap figure the live data, not wherever the collector happened to be.
 */
final class ProcessMeter {

    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+)\\s+kB");
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final Pattern THREADS = Pattern.compile("(?m)^Threads:\\s+(\\d+)");
    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");

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

    /** Threads of the process (kernel tasks: every Java platform thread, the JVM's own included). */
    long threads() throws IOException {
        Matcher m = THREADS.matcher(Files.readString(proc().resolve("status")));
        if (!m.find()) {
            throw new IllegalStateException("no Threads line in /proc/" + pid + "/status; is the process alive?");
        }
        return Long.parseLong(m.group(1));
    }

    /** Open file descriptors (files, sockets, pipes). */
    long openFds() throws IOException {
        return fdTargets().size();
    }

    /** Distinct local UDP ports the process holds a socket on (IPv4 and IPv6). */
    long udpPorts() throws IOException {
        Set<String> inodes = new HashSet<>();
        for (String target : fdTargets()) {
            Matcher m = SOCKET.matcher(target);
            if (m.matches()) {
                inodes.add(m.group(1));
            }
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("udp", "udp6")) {
            Path file = proc().resolve("net").resolve(table);
            if (Files.exists(file)) {
                ports.addAll(udpPorts(Files.readString(file), inodes));
            }
        }
        return ports.size();
    }

    /**
     * The local ports of the rows of a {@code /proc/net/udp} table whose socket inode is in {@code inodes};
     * columns: sl, local_address (hex ip:port), rem_address, st, queues, tr, retrnsmt, uid, timeout, inode.
     */
    static Set<Integer> udpPorts(String table, Set<String> inodes) {
        Set<Integer> ports = new HashSet<>();
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 9 && f[1].contains(":") && inodes.contains(f[9])) {
                ports.add(Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16));
            }
        }
        return ports;
    }

    /** Heap in use after a full GC, in KB; -1 for a process that is not a JVM. */
    long heapAfterGcKb() throws IOException, InterruptedException {
        if (jcmd == null) {
            return -1;
        }
        return histogramLiveKb(run(List.of(jcmd, Long.toString(pid), "GC.class_histogram")));
    }

    /**
     * The live data in KB: the "Total" bytes of a {@code GC.class_histogram}, which counts the objects left by
     * the full GC it runs first, in one command. {@code GC.run} then {@code GC.heap_info} as two jcmd
     * launches counted whatever the process allocated between them too (a JVM start and attach: seconds on a
     * loaded machine), so the figure grew with the machine's load, not with the live set (reliability.md,
     * soak, 2026-12-08). -1 when the output has no total.
     */
    static long histogramLiveKb(String histogram) {
        Matcher m = TOTAL.matcher(histogram);
        return m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
    }

    private Path proc() {
        return Path.of("/proc", Long.toString(pid));
    }

    /** What each open descriptor points at; one closed while listed is skipped. */
    private List<String> fdTargets() throws IOException {
        List<String> targets = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc().resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (NoSuchFileException closedMeanwhile) {
                    // the process closed it between the listing and the read
                }
            }
        }
        return targets;
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
