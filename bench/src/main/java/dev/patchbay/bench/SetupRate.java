package dev.patchbay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Call setup rate: SIPp's built-in {@code uac} scenario (INVITE, 100, 200, ACK, a 1 s pause, BYE;
 * no media) against Patchbay's echo number at rising rates. A rate holds when every call succeeds
 * and the p95 of INVITE-to-200 (SIPp's response-time {@code rtd}, one sample per call) is at most
 * the limit.
 */
final class SetupRate {

    /** One rate's outcome. */
    record Result(int rate, int calls, int answered, int exitCode, double p50Ms, double p95Ms, boolean held) {
        String row() {
            return String.format(Locale.ROOT, "| %d | %d | %d | %d | %.1f | %.1f | %s |", rate, calls, answered,
                    calls - answered, p50Ms, p95Ms, held ? "yes" : "no");
        }
    }

    private SetupRate() {
    }

    /** Runs SIPp at one rate for {@code seconds}, in a scratch directory under {@code dir}. */
    static Result run(int sipPort, String user, int rate, int seconds, double maxP95Ms, Path dir)
            throws IOException, InterruptedException {
        Path work = Files.createDirectories(dir.resolve("uac-" + rate));
        int calls = rate * seconds;
        List<String> command = List.of(References.sippBinary(), "-sn", "uac", "-s", user, "-i", "127.0.0.1",
                "-p", Integer.toString(Cluster.freeUdpAndTcpPort()), "-r", Integer.toString(rate), "-m", Integer.toString(calls),
                "-l", Integer.toString(Math.max(100, rate * 4)), "-d", "1000", "-trace_rtt", "-rtt_freq", "1",
                "-nostdin", "-timeout", (seconds + 60) + "s", "-timeout_error", "127.0.0.1:" + sipPort);
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("sipp.out").toFile()).start();
        int exit;
        Thread hook = References.killOnExit(p);
        try {
            if (!p.waitFor(seconds + 90L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("sipp uac at " + rate + "/s did not finish in " + (seconds + 90) + " s; see " + work);
            }
            exit = p.exitValue();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            References.release(hook);
        }
        long[] rtt = responseTimesMicros(work);
        double p50 = Ramp.percentile(rtt, 0.50) / 1000.0;
        double p95 = Ramp.percentile(rtt, 0.95) / 1000.0;
        boolean held = exit == 0 && rtt.length >= calls && p95 <= maxP95Ms;
        return new Result(rate, calls, rtt.length, exit, p50, p95, held);
    }

    /** Every call's INVITE-to-200 time from SIPp's {@code <scenario>_<pid>_rtt.csv}, ascending, in us. */
    static long[] responseTimesMicros(Path work) throws IOException {
        List<Long> values = new ArrayList<>();
        try (Stream<Path> files = Files.list(work)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith("_rtt.csv")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    Long v = rttMicros(line);
                    if (v != null) {
                        values.add(v);
                    }
                }
            }
        }
        long[] a = values.stream().mapToLong(Long::longValue).toArray();
        return Ramp.sorted(a, a.length);
    }

    /** One line of SIPp's rtt file, {@code date_ms;response_time_ms;rtd_no}; null for the header. */
    static Long rttMicros(String line) {
        String[] f = line.split(";");
        if (f.length < 2 || !Character.isDigit(f[0].isEmpty() ? 'x' : f[0].charAt(0))) {
            return null;
        }
        return Math.round(Double.parseDouble(f[1]) * 1000);
    }
}
