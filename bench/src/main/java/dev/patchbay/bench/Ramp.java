package dev.patchbay.bench;

import java.util.Arrays;

/**
 * The ramp's pure rules: percentiles of measured latencies, and whether a step at N concurrent calls
 * was sustained. A step fails on loss above the limit, p99 added latency above the limit, or calls
 * that could not be set up at all (ports, CPU or the call limit ran out).
 *
 * @param maxLossPercent  highest sustainable loss, percent of the packets sent (0.1)
 * @param maxP99AddedMs   highest sustainable p99 added latency, ms (20)
 */
record Ramp(double maxLossPercent, double maxP99AddedMs) {

    static final Ramp ISSUE_LIMITS = new Ramp(0.1, 20);

    /** Why a step did or did not hold. */
    record Verdict(boolean sustained, String reason) {
    }

    Verdict judge(int failedSetups, double lossPercent, double p99AddedMs) {
        if (failedSetups > 0) {
            return new Verdict(false, failedSetups + " calls were not set up");
        }
        if (Double.isNaN(p99AddedMs)) {
            return new Verdict(false, "no echo arrived");
        }
        if (lossPercent > maxLossPercent) {
            return new Verdict(false, String.format(java.util.Locale.ROOT, "loss %.2f%% > %.2f%%", lossPercent, maxLossPercent));
        }
        if (p99AddedMs > maxP99AddedMs) {
            return new Verdict(false, String.format(java.util.Locale.ROOT, "p99 added %.1f ms > %.0f ms", p99AddedMs, maxP99AddedMs));
        }
        return new Verdict(true, "held");
    }

    /**
     * The nearest-rank percentile of an ascending array, in the array's unit; NaN when empty.
     * {@code p} is a fraction: 0.99 for p99.
     */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** A copy, sorted ascending. */
    static long[] sorted(long[] values, int count) {
        long[] copy = Arrays.copyOf(values, count);
        Arrays.sort(copy);
        return copy;
    }
}
