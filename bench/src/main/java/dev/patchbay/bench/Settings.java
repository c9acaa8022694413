package dev.patchbay.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The load generator's knobs, read from the environment that {@code ./patchbay bench} passes on.
 *
 * @param steps      concurrent-call steps of the ramp (PATCHBAY_BENCH_STEPS)
 * @param window     measured seconds per step (PATCHBAY_BENCH_SECONDS)
 * @param warmup     seconds of traffic before each window (PATCHBAY_BENCH_WARMUP, default 8): the media start
 *                   of N calls at once is a transient the window must not include (see Method)
 * @param rates      setup-rate steps, calls per second (PATCHBAY_BENCH_RATES)
 * @param rateSeconds seconds of calls per setup-rate step (PATCHBAY_BENCH_RATE_SECONDS)
 * @param rtpMin     first RTP port of the media-plane (PATCHBAY_BENCH_RTP_MIN)
 * @param javaOpts   JVM options for every process started (PATCHBAY_BENCH_JAVA_OPTS, space-separated)
 * @param keepGoing  run every Patchbay step even after one fails, for the CPU and memory curves
 *                   (PATCHBAY_BENCH_KEEP_GOING=1); the headline still stops at the first failure
 * @param prime      one unreported step per Patchbay target before the ramp, to warm the JVMs
 *                   (PATCHBAY_BENCH_PRIME, default 1; 0 turns it off)
 * @param docDir     the directory of the document the report ends up in, for the chart links
 * @param parts      what to run, of grpc, ptime30 (the gRPC echo with 30 ms callers), wss, refs, setup,
 *                   coldstart (the set-up rate on fresh processes; its knobs PATCHBAY_BENCH_COLD_*: {@link ColdStart.Plan}),
 *                   grpcserver (the gRPC echo on the media-plane's Netty and Helidon gRPC servers, steps
 *                   alternated; {@link GrpcServerComparison}) (PATCHBAY_BENCH_PARTS, default all but
 *                   grpcserver): a profiling session usually wants one target only
 */
record Settings(List<Integer> steps, Duration window, Duration warmup, List<Integer> rates, int rateSeconds, int rtpMin,
                List<String> javaOpts, boolean keepGoing, boolean prime, Path root, Path out, Path charts, Path docDir,
                Set<String> parts) {

    static final Set<String> ALL_PARTS = Set.of("grpc", "ptime30", "wss", "refs", "setup", "coldstart");
    /** Run only when named: it doubles the cluster and runs every step four times. */
    static final Set<String> EXTRA_PARTS = Set.of("grpcserver");

    static Settings from(Map<String, String> env, Path root, Path out, Path charts, Path docDir) {
        List<Integer> steps = ints(env, "PATCHBAY_BENCH_STEPS", "50,100,200,500,800,1000,1600,2000,3200");
        int seconds = ints(env, "PATCHBAY_BENCH_SECONDS", "10").getFirst();
        if (seconds + 10 > 300) {
            throw new IllegalArgumentException("PATCHBAY_BENCH_SECONDS must be at most 290: the RTP tag wraps after 322 s");
        }
        return new Settings(steps, Duration.ofSeconds(seconds),
                Duration.ofSeconds(ints(env, "PATCHBAY_BENCH_WARMUP", "8").getFirst()),
                ints(env, "PATCHBAY_BENCH_RATES", "50,100,200,400,800"),
                ints(env, "PATCHBAY_BENCH_RATE_SECONDS", "5").getFirst(),
                ints(env, "PATCHBAY_BENCH_RTP_MIN", "21000").getFirst(),
                Arrays.stream(env.getOrDefault("PATCHBAY_BENCH_JAVA_OPTS", "").split("\\s+")).filter(s -> !s.isBlank()).toList(),
                "1".equals(env.get("PATCHBAY_BENCH_KEEP_GOING")), !"0".equals(env.get("PATCHBAY_BENCH_PRIME")), root, out, charts, docDir,
                parts(env.getOrDefault("PATCHBAY_BENCH_PARTS", "")));
    }

    boolean runs(String part) {
        return parts.contains(part);
    }

    private static Set<String> parts(String raw) {
        if (raw.isBlank()) {
            return ALL_PARTS;
        }
        Set<String> parts = Arrays.stream(raw.split(",")).map(String::trim).collect(Collectors.toUnmodifiableSet());
        if (!parts.stream().allMatch(p -> ALL_PARTS.contains(p) || EXTRA_PARTS.contains(p))) {
            throw new IllegalArgumentException("PATCHBAY_BENCH_PARTS must name some of " + ALL_PARTS + " and "
                    + EXTRA_PARTS + "; it is '" + raw + "'");
        }
        return parts;
    }

    int maxCalls() {
        return steps.stream().mapToInt(Integer::intValue).max().orElse(100);
    }

    private static List<Integer> ints(Map<String, String> env, String key, String fallback) {
        String raw = env.getOrDefault(key, "").isBlank() ? fallback : env.get(key);
        try {
            List<Integer> values = Arrays.stream(raw.split(",")).map(String::trim).map(Integer::parseInt).toList();
            if (values.stream().anyMatch(v -> v <= 0)) {
                throw new NumberFormatException("not positive");
            }
            return values;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be positive whole numbers separated by commas, like "
                    + fallback + "; it is '" + raw + "'", e);
        }
    }
}
