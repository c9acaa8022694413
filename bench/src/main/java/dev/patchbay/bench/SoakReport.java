package dev.patchbay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The soak's verdict and its record: the trend of every metric ({@link Trend}), the check of the call
 * records, a CSV of every sample, one chart per process and one of the tables, and a dated section
 * appended under "## Soak" in the reliability document.
 */
final class SoakReport {

    /** Everything a run measured. {@code after} is the sample taken once every call had been hung up. */
    record Run(Instant started, Instant ended, int minutes, int calls, int churn, List<SoakSample> samples, SoakSample after,
               ChurnLoad.Counts load, SoakDb.Check check, List<String> failureKinds, String machine) {
    }

    /** One judged metric: a process's (or "database" for the tables). */
    record Judged(String owner, String metric, long first, long last, Trend trend) {
    }

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final String HEADING = "## Soak";

    private final Run run;
    private final Path csv;
    private final Path charts;
    private final String stamp;
    private final List<Judged> judged = new ArrayList<>();

    SoakReport(Run run, Path csv, Path charts, String stamp) {
        this.run = run;
        this.csv = csv;
        this.charts = charts;
        this.stamp = stamp;
        List<Double> minutes = run.samples().stream().map(SoakSample::elapsedMinutes).toList();
        for (String app : Soak.APPS) {
            Soak.PROCESS_METRICS.forEach((metric, rule) -> judged.add(judge(app, metric, minutes, s -> s.value(app, metric), rule)));
        }
        Soak.TABLE_METRICS.forEach((metric, rule) -> judged.add(judge("database", metric, minutes,
                s -> s.tables().getOrDefault(metric, -1L), rule)));
    }

    private Judged judge(String owner, String metric, List<Double> minutes, ToLongFunction<SoakSample> value, Trend.Rule rule) {
        List<Double> values = run.samples().stream().map(s -> (double) value.applyAsLong(s)).toList();
        long first = run.samples().isEmpty() ? -1 : value.applyAsLong(run.samples().getFirst());
        long last = run.samples().isEmpty() ? -1 : value.applyAsLong(run.samples().getLast());
        return new Judged(owner, metric, first, last, Trend.judge(minutes, values, rule));
    }

    List<Judged> judged() {
        return judged;
    }

    boolean passed() {
        return run.check().passed() && judged.stream().noneMatch(j -> j.trend().verdict() == Trend.Verdict.RISING);
    }

    String summary() {
        return (passed() ? "soak PASSED" : "soak FAILED") + ": " + judged.stream().filter(j -> j.trend().verdict() == Trend.Verdict.RISING)
                .map(j -> j.owner() + " " + j.metric() + " rising " + j.trend().describe()).toList()
                + ", records missing " + run.check().missing() + ", without a Call-ID " + run.check().withoutCallId()
                + ", unfinished " + run.check().unfinished().size()
                + " of " + run.check().records();
    }

    /** Writes the CSV and the charts, and appends the run's section to {@code doc}. */
    void write(Path doc) throws IOException {
        writeCsv();
        double[] minutes = run.samples().stream().mapToDouble(SoakSample::elapsedMinutes).toArray();
        Files.createDirectories(charts);
        for (String app : Soak.APPS) {
            Map<String, double[]> series = new LinkedHashMap<>();
            for (String metric : Soak.PROCESS_METRICS.keySet()) {
                double mean = judged.stream().filter(j -> j.owner().equals(app) && j.metric().equals(metric)).findFirst()
                        .map(j -> j.trend().mean()).orElse(Double.NaN);
                series.put(metric, run.samples().stream().mapToDouble(s -> relative(s.value(app, metric), mean)).toArray());
            }
            Charts.overTime(chart(app), app + ": each metric as % of its second-half mean", "% of mean", series, minutes);
        }
        Map<String, double[]> tables = new LinkedHashMap<>();
        tables.put("calls up (load generator)", run.samples().stream().mapToDouble(s -> s.load().live()).toArray());
        for (String metric : Soak.TABLE_METRICS.keySet()) {
            tables.put(metric, run.samples().stream().mapToDouble(s -> s.tables().getOrDefault(metric, -1L)).toArray());
        }
        Charts.overTime(chart("tables"), "Live rows in the workspace's tables", "rows", tables, minutes);
        String text = Files.exists(doc) ? Files.readString(doc) : "# Reliability\n";
        Files.writeString(doc, insert(text, section(doc.toAbsolutePath().getParent())));
    }

    private static double relative(long value, double mean) {
        return value < 0 || !(mean > 0) ? -1 : 100.0 * value / mean;
    }

    private Path chart(String name) {
        return charts.resolve("soak-" + stamp + "-" + name + ".png");
    }

    /** {@code text} with {@code section} at the end of its Soak section (made if absent). */
    static String insert(String text, String section) {
        int at = text.indexOf("\n" + HEADING + "\n");
        if (at < 0) {
            return text.stripTrailing() + "\n\n" + HEADING + "\n\n" + section;
        }
        int next = text.indexOf("\n## ", at + 1 + HEADING.length());
        if (next < 0) {
            return text.stripTrailing() + "\n\n" + section;
        }
        return text.substring(0, next).stripTrailing() + "\n\n" + section + text.substring(next);
    }

    private void writeCsv() throws IOException {
        StringBuilder b = new StringBuilder("minute,elapsed_minutes,utc,load_average,calls_up,placed,answered,failed,packets_sent,packets_back");
        for (String app : Soak.APPS) {
            Soak.PROCESS_METRICS.keySet().forEach(m -> b.append(',').append(app).append('.').append(m));
        }
        Soak.TABLE_METRICS.keySet().forEach(m -> b.append(',').append(m));
        b.append('\n');
        for (SoakSample s : run.samples()) {
            ChurnLoad.Counts l = s.load();
            b.append(s.minute()).append(',').append(String.format(Locale.ROOT, "%.2f", s.elapsedMinutes())).append(',').append(s.at()).append(',').append(s.loadAverage().split(" ")[0]).append(',')
                    .append(l.live()).append(',').append(l.placed()).append(',').append(l.answered()).append(',').append(l.failed())
                    .append(',').append(l.packetsSent()).append(',').append(l.packetsBack());
            for (String app : Soak.APPS) {
                Soak.PROCESS_METRICS.keySet().forEach(m -> b.append(',').append(s.value(app, m)));
            }
            Soak.TABLE_METRICS.keySet().forEach(m -> b.append(',').append(s.tables().getOrDefault(m, -1L)));
            b.append('\n');
        }
        Files.createDirectories(csv.toAbsolutePath().getParent());
        Files.writeString(csv, b);
    }

    /** The dated section; chart links relative to {@code docDir}. */
    String section(Path docDir) {
        ChurnLoad.Counts l = run.load();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "### %s UTC: %d min at %d calls, %d/s churn: %s%n%n", WHEN.format(run.started()),
                run.minutes(), run.calls(), run.churn(), passed() ? "passed" : "**failed**"));
        b.append(String.format(Locale.ROOT, "Machine: %s; load average at the samples %s. Run time %d min (ramp, samples, settle).%n%n",
                run.machine(), loadRange(), Duration.between(run.started(), run.ended()).toMinutes()));
        b.append(String.format(Locale.ROOT, "Calls placed %,d, answered %,d, not answered %,d; hung up with a 200 %,d, BYE unanswered %,d."
                        + " Churn ticks skipped while %d set-ups were waiting for answers: %,d."
                        + " RTP packets sent %,d, back %,d (%.1f %%).%n%n", l.placed(), l.answered(), l.failed(), l.ended(), l.unended(),
                16, l.skippedTicks(), l.packetsSent(), l.packetsBack(), l.packetsSent() == 0 ? 0 : 100.0 * l.packetsBack() / l.packetsSent()));
        if (!run.failureKinds().isEmpty()) {
            b.append("Set-up failures seen: ").append(String.join("; ", run.failureKinds())).append(".\n\n");
        }
        SoakDb.Check c = run.check();
        b.append(String.format(Locale.ROOT, "Records: %,d INVITEs sent, %,d answered, %,d call records; answered calls without a record"
                        + " %d (matched by Call-ID), records without a Call-ID %d, records not finished %d after the settle time%s.%n%n",
                c.placed(), c.answered(), c.records(), c.missing(), c.withoutCallId(), c.unfinished().size(),
                c.unfinished().isEmpty() ? "" : " (first: " + c.unfinished().getFirst() + ")"));
        b.append("| process | metric | minute 0 | last minute | after hang-up | second-half mean | trend | verdict |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (Judged j : judged) {
            long after = j.owner().equals("database") ? run.after().tables().getOrDefault(j.metric(), -1L)
                    : run.after().value(j.owner(), j.metric());
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %.0f | %s | %s |%n", j.owner(), j.metric(), j.first(), j.last(),
                    after, j.trend().mean(), j.trend().describe(), j.trend().verdict() == Trend.Verdict.RISING ? "**rising**"
                            : Soak.TABLE_METRICS.get(j.metric()) == Trend.Rule.NONE ? "recorded, not judged"
                            : j.trend().verdict().name().toLowerCase(Locale.ROOT).replace('_', ' ')));
        }
        b.append('\n');
        for (String name : List.of("media-plane", "control-plane", "admin-api", "tables")) {
            b.append("![").append(name).append("](").append(docDir.relativize(chart(name).toAbsolutePath())).append(")\n");
        }
        return b.append('\n').toString();
    }

    private String loadRange() {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (SoakSample s : run.samples()) {
            String first = s.loadAverage().split(" ")[0];
            if (!first.matches("[0-9.]+")) {
                continue;
            }
            double one = Double.parseDouble(first);
            lo = Math.min(lo, one);
            hi = Math.max(hi, one);
        }
        return hi == 0 && lo == Double.MAX_VALUE ? "unknown" : String.format(Locale.ROOT, "%.1f-%.1f", lo, hi);
    }
}
