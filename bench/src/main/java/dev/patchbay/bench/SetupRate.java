package dev.patchbay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Call setup rate: SIPp's built-in {@code uac} scenario (INVITE, 100, 200, ACK, a 1 s pause, BYE;
 * no media) against Patchbay's echo number at rising rates. A rate holds when every call succeeds
 * and the p95 of INVITE-to-200 (SIPp's response-time {@code rtd}, one sample per call) is at most
 * the limit.
 */
final class SetupRate {

    /**
     * Each unexpected response in SIPp's {@code -trace_err} log: "... for Call-Id '1-42@127.0.0.1': while
     * expecting '200' (index 2), received 'SIP/2.0 503 Service ...".
     */
    private static final Pattern STATUS_LINE = Pattern.compile("Call-Id '([^']*)'[^\\n]*?received '\\s*SIP/2\\.0 (\\d{3}) ");

    /**
     * One rate's outcome.
     *
     * @param refusals unexpected final responses by status code (a 503 from a route timeout, say)
     * @param loadAverage the machine's 1/5/15-minute load average as the rate finished
     */
    record Result(int rate, int calls, int answered, int exitCode, double p50Ms, double p95Ms, double p99Ms,
                  Map<Integer, Integer> refusals, String loadAverage, boolean held) {
        static final String HEADER = "| rate calls/s | calls | answered | failed | failures by status | p50 ms | p95 ms | p99 ms | load average | held |\n"
                + "|---:|---:|---:|---:|---|---:|---:|---:|---|---|\n";

        String row() {
            return row(Integer.toString(rate), held);
        }

        /** The row with its own label for the rate and its own verdict (a cold start's). */
        String row(String label, boolean held) {
            return String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %.1f | %.1f | %.1f | %s | %s |", label, calls, answered,
                    calls - answered, failures(), p50Ms, p95Ms, p99Ms, loadAverage, held ? "yes" : "no");
        }

        /** {@code 503 x235}, or a dash; calls that failed without a response (timeouts) are the rest. */
        String failures() {
            return refusals.isEmpty() ? "-" : refusals.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                    .collect(Collectors.joining(", "));
        }
    }

    private SetupRate() {
    }

    /**
     * The same rate against SIPp's own {@code uas} on the same box, right after: what the machine and
     * the generator manage without Patchbay, the same-run reference for Patchbay's set-up times.
     */
    static Result reference(int rate, int seconds, Path dir) throws IOException, InterruptedException {
        try (References.Echo uas = References.sipp(dir.resolve("uas-" + rate))) {
            return run(uas.target().sipPort(), "service", rate, seconds, Double.POSITIVE_INFINITY, dir.resolve("reference"));
        }
    }

    /** {@code a / b} as {@code 1.8x}, or n/a. */
    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b <= 0 ? "n/a" : String.format(Locale.ROOT, "%.1fx", a / b);
    }

    /** Runs SIPp at one rate for {@code seconds}, in a scratch directory under {@code dir}. */
    static Result run(int sipPort, String user, int rate, int seconds, double maxP95Ms, Path dir)
            throws IOException, InterruptedException {
        Path work = Files.createDirectories(dir.resolve("uac-" + rate));
        int calls = rate * seconds;
        List<String> command = List.of(References.sippBinary(), "-sn", "uac", "-s", user, "-i", "127.0.0.1",
                "-p", Integer.toString(Cluster.freeUdpAndTcpPort()), "-r", Integer.toString(rate), "-m", Integer.toString(calls),
                "-l", Integer.toString(Math.max(100, rate * 4)), "-d", "1000", "-trace_rtt", "-rtt_freq", "1", "-trace_err",
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
        double p99 = Ramp.percentile(rtt, 0.99) / 1000.0;
        boolean held = exit == 0 && rtt.length >= calls && p95 <= maxP95Ms;
        return new Result(rate, calls, rtt.length, exit, p50, p95, p99, refusals(work), Machine.loadAverage(), held);
    }

    /** Every call's INVITE-to-200 time from SIPp's {@code <scenario>_<pid>_rtt.csv}, ascending, in us. */
    static long[] responseTimesMicros(Path work) throws IOException {
        List<Long> values = new ArrayList<>();
        for (Path f : files(work, "_rtt.csv")) {
            for (String line : Files.readAllLines(f)) {
                Long v = rttMicros(line);
                if (v != null) {
                    values.add(v);
                }
            }
        }
        long[] a = values.stream().mapToLong(Long::longValue).toArray();
        return Ramp.sorted(a, a.length);
    }

    /** Unexpected responses by status code, from SIPp's {@code <scenario>_<pid>_errors.log}. */
    static Map<Integer, Integer> refusals(Path work) throws IOException {
        Map<Integer, Integer> byStatus = new TreeMap<>();
        for (Path f : files(work, "_errors.log")) {
            statusCounts(Files.readString(f), byStatus);
        }
        return byStatus;
    }

    /**
     * Adds the calls of {@code log} to {@code counts} by the first unexpected status each got (a 503's
     * retransmissions, and a late 200 after it, are the same failed call); returns it.
     */
    static Map<Integer, Integer> statusCounts(String log, Map<Integer, Integer> counts) {
        Map<String, Integer> firstByCall = new LinkedHashMap<>();
        Matcher m = STATUS_LINE.matcher(log);
        while (m.find()) {
            firstByCall.putIfAbsent(m.group(1), Integer.parseInt(m.group(2)));
        }
        firstByCall.values().forEach(status -> counts.merge(status, 1, Integer::sum));
        return counts;
    }

    private static List<Path> files(Path work, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(work)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
        }
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
