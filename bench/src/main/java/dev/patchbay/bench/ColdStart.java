package dev.patchbay.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The set-up rate right after a start: fresh processes (their own scratch database), and SIPp's
 * {@code uac} at a fixed rate from the moment the last of them logs ready, as an operator's traffic
 * meets a restarted gateway. It holds when every call is answered; the set-up times are reported, not
 * judged, since a start's first seconds are what is measured.
 */
final class ColdStart {

    private static final Logger LOG = Logger.getLogger(ColdStart.class.getName());

    /**
     * The warm-ups turned off, the control-plane's and the media-plane's SIP rehearsal: the same-run reference,
     * how a start behaved before they existed.
     */
    static final Map<String, String> NO_WARMUP = Map.of("PATCHBAY_CONTROL_WARMUP_MEDIA_WAIT", "PT0S",
            "PATCHBAY_CONTROL_WARMUP_CONNECTIONS", "0", "PATCHBAY_CONTROL_WARMUP_ROUNDS", "0",
            "PATCHBAY_SIP_WARMUP_INVITES", "0");
    /** Only the media-plane's SIP rehearsal off: what it adds to the control-plane's warm-up, same run. */
    static final Map<String, String> NO_SIP_WARMUP = Map.of("PATCHBAY_SIP_WARMUP_INVITES", "0");

    /**
     * @param rate      calls per second (PATCHBAY_BENCH_COLD_RATE, default 200)
     * @param seconds   how long SIPp calls at that rate (PATCHBAY_BENCH_COLD_SECONDS, default 10)
     * @param reference also starts with the warm-ups off and with only the SIP one off, first
     *                  (PATCHBAY_BENCH_COLD_REFERENCE, default 1; 0 skips them)
     */
    record Plan(int rate, int seconds, boolean reference) {
        static Plan from(Map<String, String> env) {
            return new Plan(positive(env, "PATCHBAY_BENCH_COLD_RATE", 200), positive(env, "PATCHBAY_BENCH_COLD_SECONDS", 10),
                    !"0".equals(env.get("PATCHBAY_BENCH_COLD_REFERENCE")));
        }

        private static int positive(Map<String, String> env, String key, int fallback) {
            String raw = env.getOrDefault(key, "").strip();
            try {
                int v = raw.isEmpty() ? fallback : Integer.parseInt(raw);
                if (v <= 0) {
                    throw new NumberFormatException("not positive");
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a positive whole number, like " + fallback + "; it is '" + raw + "'", e);
            }
        }
    }

    /**
     * @param startSeconds how long the three processes took to log ready, one after the other (SIPp
     *                     starts within the 200 ms the last "ready" may take to be seen in its log)
     */
    record Result(String label, double startSeconds, SetupRate.Result rate) {
        boolean held() {
            return rate.exitCode() == 0 && rate.answered() >= rate.calls();
        }

        String row() {
            return rate.row(rate.rate() + " from a cold start, " + label, held());
        }

        String line() {
            return String.format(Locale.ROOT, "Cold start, %s: %d of %d calls at %d calls/s failed (%s), from the moment the processes were"
                    + " ready (they took %.1f s to start); p50 %.1f / p95 %.1f / p99 %.1f ms; load average %s: %s",
                    label, rate.calls() - rate.answered(), rate.calls(), rate.rate(), rate.failures(), startSeconds,
                    rate.p50Ms(), rate.p95Ms(), rate.p99Ms(), rate.loadAverage(), held() ? "held" : "not held");
        }
    }

    private ColdStart() {
    }

    /**
     * The cold starts of {@code plan}: with the warm-ups off first when it asks for the references, then as
     * shipped; each on fresh processes whose logs are kept under {@code logs}.
     */
    static List<Result> run(Settings settings, String version, Plan plan, Path logs) throws IOException, InterruptedException {
        List<Result> results = new ArrayList<>();
        if (plan.reference()) {
            results.add(once("warm-ups off (reference)", NO_WARMUP, settings, version, plan, logs.resolve("warmup-off")));
            results.add(once("SIP warm-up off (reference)", NO_SIP_WARMUP, settings, version, plan, logs.resolve("sip-warmup-off")));
        }
        results.add(once("as shipped", Map.of(), settings, version, plan, logs.resolve("as-shipped")));
        return results;
    }

    private static Result once(String label, Map<String, String> env, Settings settings, String version, Plan plan, Path logs)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Cluster cluster = new Cluster(settings.root(), version, settings.maxCalls(), settings.rtpMin(), settings.javaOpts(), env);
        Result result;
        try (cluster) {
            long ready = System.nanoTime();
            Path dir = cluster.var().resolve("cold-start");
            result = new Result(label, (ready - start) / 1e9,
                    SetupRate.run(cluster.sipPort, "echo", plan.rate(), plan.seconds(), Double.POSITIVE_INFINITY, dir));
        }
        LOG.info(result::line);
        cluster.deleteVar(logs);
        return result;
    }
}
