package dev.patchbay.bench;

import java.util.List;

/**
 * One measured step: {@code calls} concurrent calls against one target, held for one window.
 *
 * @param designedMs the delay the target adds by design to audio in order (0 for Patchbay since media
 *                   moves on arrival, 0 for the references); "added" latency is measured minus this
 * @param usage      each metered process's cost over the window
 */
record Step(String target, int calls, int failedSetups, RtpPacer.Window window, double designedMs, List<Usage> usage,
            Ramp.Verdict verdict) {

    /** One process's cost at this step. heapKbPerCall is NaN for a process without a Java heap. */
    record Usage(String process, double cpuPercentPerCall, long rssKb, double rssKbPerCall, double heapKbPerCall) {
    }

    Step withVerdict(Ramp.Verdict v) {
        return new Step(target, calls, failedSetups, window, designedMs, usage, v);
    }

    /** Measured latency percentile, ms. */
    double latencyMs(double p) {
        return Ramp.percentile(window.latencies(), p) / 1e6;
    }

    /** Added latency percentile, ms: measured minus the designed delay. */
    double addedMs(double p) {
        return latencyMs(p) - designedMs;
    }

    /** CPU % of one core per call, summed over the metered processes. */
    double cpuPercentPerCall() {
        return usage.stream().mapToDouble(Usage::cpuPercentPerCall).sum();
    }

    Usage usage(String process) {
        return usage.stream().filter(u -> u.process().equals(process)).findFirst().orElse(null);
    }
}
