package dev.patchbay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The load benchmark's markdown (headline first) and charts. */
final class Report {

    static final String GRPC = "Patchbay gRPC echo";
    static final String GRPC_30MS = "Patchbay gRPC echo, 30 ms callers";
    static final String WSS = "Patchbay WSS echo (Twilio)";
    static final String SIPP = "sipp-echo";
    static final String NIO = "nio-echo";

    private final Settings settings;
    private final Map<String, List<Step>> byTarget = new LinkedHashMap<>();
    private final List<SetupRate.Result> rates = new ArrayList<>();
    private final List<ColdStart.Result> coldStarts = new ArrayList<>();
    private final List<SetupRate.Result> setupReferences = new ArrayList<>();
    private final List<String> sections = new ArrayList<>();
    private final String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    private final String loadAtStart = Machine.loadAverage();
    private LossByCause losses;

    Report(Settings settings) {
        this.settings = settings;
    }

    void add(List<Step> steps) {
        if (!steps.isEmpty()) {
            byTarget.put(steps.getFirst().target(), steps);
        }
    }

    /** Each step's loss by cause, a table after the references'. */
    void losses(LossByCause byCause) {
        losses = byCause;
    }

    /** A section of its own (markdown), after the ratios: a part whose figures fit none of the tables. */
    void section(String markdown) {
        sections.add(markdown);
    }

    void add(SetupRate.Result r) {
        rates.add(r);
    }

    void add(ColdStart.Result r) {
        coldStarts.add(r);
    }

    /** SIPp's uas at a rate Patchbay just ran ({@link SetupRate#reference}). */
    void addSetupReference(SetupRate.Result r) {
        setupReferences.add(r);
    }

    List<Integer> stepsOf(String target) {
        return byTarget.getOrDefault(target, List.of()).stream().map(Step::calls).toList();
    }

    /** The highest N whose step held, and whether the ramp ever failed (else N is a lower bound). */
    static String headline(List<Step> steps) {
        // Steps run in rising order; with PATCHBAY_BENCH_KEEP_GOING a step may hold again after one
        // failed, but the headline counts only the run of held steps from the start.
        int best = 0;
        boolean failed = false;
        for (Step s : steps) {
            if (!s.verdict().sustained()) {
                failed = true;
                break;
            }
            best = s.calls();
        }
        if (steps.isEmpty()) {
            return "Max sustained concurrent echo calls: 0 (no step ran)";
        }
        return "Max sustained concurrent echo calls: " + best
                + (failed ? "" : " (every step held: a lower bound; add larger steps to PATCHBAY_BENCH_STEPS)");
    }

    void write() throws IOException {
        List<Step> grpc = byTarget.getOrDefault(GRPC, List.of());
        StringBuilder md = new StringBuilder(headline(grpc)).append("\n");
        md.append(SetupTable.markdown(rates, setupReferences, coldStarts));
        md.append('\n');
        md.append(Optional.ofNullable(System.getenv("PATCHBAY_BENCH_NOTE")).filter(s -> !s.isBlank()).map(s -> "> " + s + "\n\n").orElse(""));
        md.append("## Machine and run\n\n")
                .append("- CPU: ").append(Machine.cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores\n")
                .append("- Java: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version")).append('\n')
                .append("- Date: ").append(started).append("; load average at start ").append(loadAtStart).append(" (other work on the machine inflates every figure)\n")
                .append("- Steps ").append(settings.steps()).append(", ").append(settings.warmup().toSeconds()).append(" s warm-up + ")
                .append(settings.window().toSeconds()).append(" s measured per step; setup rates ").append(settings.rates())
                .append(" calls/s, ").append(settings.rateSeconds()).append(" s each\n\n");
        md.append(Method.TEXT);
        md.append("\n## Concurrent echo calls\n\n")
                .append("Packets back/s is what the target sent each caller per second: 50 is real time, more is audio ")
                .append("faster than real time that the caller's phone must buffer or drop.\n\n")
                .append("| target | calls | held | added p50 ms | added p99 ms | added p99.9 ms | measured p50 ms | loss % | packets back/s per call | CPU %/call media-plane | CPU %/call control-plane | heap KB/call media | heap KB/call control | RSS MB media | RSS MB control | generator late p99 ms |\n")
                .append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String t : List.of(GRPC, GRPC_30MS, WSS)) {
            for (Step s : byTarget.getOrDefault(t, List.of())) {
                Step.Usage m = s.usage("media-plane");
                Step.Usage c = s.usage("control-plane");
                md.append(f("| %s | %d | %s | %.2f | %.2f | %.2f | %.2f | %.3f | %.2f | %.3f | %.3f | %.1f | %.1f | %.0f | %.0f | %.2f |\n", t, s.calls(),
                        held(s), s.addedMs(0.5), s.addedMs(0.99), s.addedMs(0.999), s.latencyMs(0.5), s.window().lossPercent(),
                        s.window().packetsPerCallSecond(s.calls()),
                        m.cpuPercentPerCall(), c.cpuPercentPerCall(), m.heapKbPerCall(), c.heapKbPerCall(), m.rssKb() / 1024.0,
                        c.rssKb() / 1024.0, lateP99(s)));
            }
        }
        md.append("\n### References on the same steps\n\n")
                .append("| reference | calls | latency p50 ms | p99 ms | p99.9 ms | loss % | CPU %/call | RSS MB | generator late p99 ms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String t : List.of(SIPP, NIO)) {
            for (Step s : byTarget.getOrDefault(t, List.of())) {
                Step.Usage u = s.usage().getFirst();
                md.append(f("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.4f | %.0f | %.2f |\n", t, s.calls(), s.latencyMs(0.5), s.latencyMs(0.99),
                        s.latencyMs(0.999), s.window().lossPercent(), u.cpuPercentPerCall(), u.rssKb() / 1024.0, lateP99(s)));
            }
        }
        md.append(losses == null ? "" : losses.section());
        md.append(ratios(grpc));
        sections.forEach(md::append);
        md.append(charts());
        md.append(Targets.section(grpc, rates));
        Files.createDirectories(settings.out().toAbsolutePath().getParent());
        Files.writeString(settings.out(), md.toString());
    }

    private String ratios(List<Step> grpc) {
        StringBuilder md = new StringBuilder("\n### Ratios to the references (same run, same load)\n\n")
                .append("Latency ratios compare Patchbay's added latency (its whole round trip: the designed delay is 0) with the reference's whole round trip; ")
                .append("CPU ratios compare CPU per call (Patchbay: media-plane + control-plane).\n\n")
                .append("| calls | added p50 / SIPp p50 | added p99 / SIPp p99 | added p99 / NIO p99 | CPU / SIPp | CPU / NIO | WSS CPU / gRPC CPU |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Step g : grpc) {
            Step sipp = at(SIPP, g.calls());
            Step nio = at(NIO, g.calls());
            Step wss = at(WSS, g.calls());
            md.append(f("| %d | %s | %s | %s | %s | %s | %s |\n", g.calls(),
                    ratio(g.addedMs(0.5), sipp == null ? Double.NaN : sipp.latencyMs(0.5)),
                    ratio(g.addedMs(0.99), sipp == null ? Double.NaN : sipp.latencyMs(0.99)),
                    ratio(g.addedMs(0.99), nio == null ? Double.NaN : nio.latencyMs(0.99)),
                    ratio(g.cpuPercentPerCall(), sipp == null ? Double.NaN : sipp.cpuPercentPerCall()),
                    ratio(g.cpuPercentPerCall(), nio == null ? Double.NaN : nio.cpuPercentPerCall()),
                    ratio(wss == null ? Double.NaN : wss.cpuPercentPerCall(), g.cpuPercentPerCall())));
        }
        return md.toString();
    }

    private String charts() throws IOException {
        Path dir = settings.charts();
        int common = commonSteps();
        List<Step> atCommon = new ArrayList<>();
        for (String t : List.of(GRPC, WSS, SIPP, NIO)) {
            Step s = at(t, common);
            if (s != null) {
                atCommon.add(s);
            }
        }
        Charts.latencyCdf(dir.resolve("latency-cdf.png"), common, atCommon);
        Charts.cpuPerCall(dir.resolve("cpu-per-call.png"), byTarget);
        String rel = settings.docDir().toAbsolutePath().relativize(dir.toAbsolutePath()).toString();
        return "\n## Charts\n\n"
                + "![Latency CDF at " + common + " calls](" + rel + "/latency-cdf.png)\n\n"
                + "![CPU % of one core per call against concurrent calls](" + rel + "/cpu-per-call.png)\n";
    }

    /** The largest step every target measured, for a like-for-like CDF. */
    private int commonSteps() {
        return byTarget.values().stream().map(l -> l.stream().map(Step::calls).toList())
                .reduce((a, b) -> a.stream().filter(b::contains).toList()).orElse(List.of())
                .stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private Step at(String target, int calls) {
        return byTarget.getOrDefault(target, List.of()).stream().filter(s -> s.calls() == calls).findFirst().orElse(null);
    }

    /** The setup-rate headline; when no rate failed, the highest is only a lower bound. */
    static String rateLine(List<SetupRate.Result> rates) {
        boolean allHeld = !rates.isEmpty() && rates.stream().allMatch(SetupRate.Result::held);
        return "Highest held setup rate: " + maxRate(rates) + " calls/s"
                + (allHeld ? " (every rate held: a lower bound; add larger rates to PATCHBAY_BENCH_RATES)" : "");
    }

    static int maxRate(List<SetupRate.Result> rates) {
        return rates.stream().filter(SetupRate.Result::held).mapToInt(SetupRate.Result::rate).max().orElse(0);
    }

    /** How late the generator's pacer sent, p99: a busy generator shows up here, not as the target's fault. */
    private static double lateP99(Step s) {
        return Ramp.percentile(s.window().pacerLateness(), 0.99) / 1e6;
    }

    private static String held(Step s) {
        if (s.verdict().sustained()) {
            return "held".equals(s.verdict().reason()) ? "yes" : "yes, " + s.verdict().reason();
        }
        return "no: " + s.verdict().reason();
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b <= 0 ? "n/a" : f("%.1fx", a / b);
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
