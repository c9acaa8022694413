package dev.patchbay.bench;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One minute's sample ({@code elapsedMinutes} since the calls were all up: the x of the trend, as a sample
 * on a loaded machine can start late), each process's metrics (named as in {@link Soak#PROCESS_METRICS}; -1 = could not
 * be read), the database's live rows, the load's counters and the machine's load average.
 */
record SoakSample(int minute, double elapsedMinutes, Instant at, Map<String, Map<String, Long>> processes, Map<String, Long> tables,
                  ChurnLoad.Counts load, String loadAverage) {

    long value(String app, String metric) {
        return processes.getOrDefault(app, Map.of()).getOrDefault(metric, -1L);
    }

    /** One log line. */
    String line() {
        String procs = processes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().entrySet().stream()
                .map(m -> m.getKey() + "=" + m.getValue()).collect(Collectors.joining(" "))).collect(Collectors.joining("; "));
        return String.format(Locale.ROOT, "minute %d (%.1f): %s; tables %s; calls up %d, placed %d, failed %d; load %s",
                minute, elapsedMinutes, procs, tables, load.live(), load.placed(), load.failed(), loadAverage);
    }
}
