package dev.patchbay.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The separate-process load benchmark behind {@code ./patchbay bench}: starts admin-api, media-plane
 * and control-plane as their own JVMs, then ramps concurrent echo calls against the gRPC echo bot
 * (DID {@code echo}) and a Twilio-dialect WSS echo bot until a step fails, measures the two
 * references (SIPp's RTP echo, a NIO UDP echo) on the same steps, ramps the call setup rate with
 * SIPp's {@code uac}, and writes the report and charts.
 *
 * <p>Arguments: the repository root, the markdown file to write, the chart directory, the project
 * version, and optionally the directory of the document the markdown is pasted into (for the chart
 * links; default: the markdown's own). Settings come from the environment ({@link Settings}).
 */
public final class LoadGenerator {

    private static final Logger LOG = Logger.getLogger(LoadGenerator.class.getName());
    /**
     * None: the media-plane hands each caller frame to the bot when its packet arrives and sends the
     * bot's frame when it arrives. The jitter buffer waits only for a missing frame (see Method).
     */
    static final double DESIGNED_MS = 0;
    static final String WSS_NUMBER = "bench-wss-echo";

    private final Settings settings;
    private final long ticksPerSecond;
    private final String jcmd;

    private LoadGenerator(Settings settings) throws IOException, InterruptedException {
        this.settings = settings;
        this.ticksPerSecond = clockTicks();
        this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: LoadGenerator <repo root> <out.md> <chart dir> <project version> [doc dir]");
        }
        Path out = Path.of(args[1]);
        Path docDir = args.length > 4 ? Path.of(args[4]) : out.toAbsolutePath().getParent();
        Settings s = Settings.from(System.getenv(), Path.of(args[0]), out, Path.of(args[2]), docDir);
        try {
            new LoadGenerator(s).run(args[3]);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1); // a failed run must not linger and load the machine for whatever runs next
        }
        System.exit(0); // Helidon's and the HTTP client's threads would otherwise keep the JVM up
    }

    /** Steps placed so far, for ids no earlier step used. */
    private int stepRuns;
    private final LossByCause losses = new LossByCause();
    /** The media-plane's counters, once the cluster is up. */
    private MediaCounters media;
    /** The WSS bot's per-stream continuity, measured over each WSS step's window. */
    private StreamRates wssRates;

    private void run(String version) throws Exception {
        Report report = new Report(settings);
        Path logs = settings.out().toAbsolutePath().getParent().resolve("load-logs");
        if (settings.runs("coldstart")) {
            // First, on processes of its own: a start's first seconds are what it measures.
            ColdStart.run(settings, version, ColdStart.Plan.from(System.getenv()), logs.resolve("cold-start")).forEach(report::add);
        }
        Cluster done;
        try (Cluster cluster = new Cluster(settings.root(), version, settings.maxCalls(), settings.rtpMin(), settings.javaOpts());
             WsEchoBot wsBot = new WsEchoBot()) {
            addWssBot(cluster, wsBot.url());
            media = new MediaCounters(cluster.mediaObservePort);
            report.losses(losses);
            wssRates = wsBot.rates();
            List<ProcessMeter> patchbay = List.of(meter(cluster.pid("media-plane"), true), meter(cluster.pid("control-plane"), true));
            List<String> names = List.of("media-plane", "control-plane");
            Callers.Target grpc = Callers.Target.sip(Report.GRPC, cluster.sipPort, "echo");
            Callers.Target wss = Callers.Target.sip(Report.WSS, cluster.sipPort, WSS_NUMBER);
            if (settings.prime()) {
                // Freshly started JVMs run cold; a call set up while they JIT-compile keeps the delay
                // it gathered for its whole life, so the first measured step would pay for start-up.
                for (Callers.Target t : List.of(grpc, wss)) {
                    if (!settings.runs(t == grpc ? "grpc" : "wss")) {
                        continue;
                    }
                    Step primed = step(t, settings.steps().getFirst(), patchbay, names, DESIGNED_MS);
                    LOG.info(() -> "primed " + t.name() + " (not reported): p50 " + Report.f("%.1f", primed.latencyMs(0.5)) + " ms");
                }
            }
            if (settings.runs("grpc")) {
                report.add(ramp(grpc, settings.steps(), patchbay, names, DESIGNED_MS, true, !settings.keepGoing()));
            }
            if (settings.runs("ptime30")) {
                // Carriers often send 30 ms packets (SIPp's own g711a.pcap does); Patchbay must still
                // send 20 ms packets back at exactly real time (the packets-back column says so).
                List<Integer> steps = settings.runs("grpc") ? report.stepsOf(Report.GRPC) : settings.steps();
                report.add(ramp(grpc.withPtime(Report.GRPC_30MS, 30), steps, patchbay, names, DESIGNED_MS, true, true));
            }
            if (settings.runs("grpcserver")) {
                report.section(new GrpcServerComparison(settings, version, (t, n, m, nm) -> logged(step(t, n, m, nm, DESIGNED_MS)),
                        pid -> meter(pid, true)).run(grpc, patchbay, names));
            }
            if (settings.runs("wss")) {
                report.add(ramp(wss, settings.steps(), patchbay, names, DESIGNED_MS, true, !settings.keepGoing()));
            }
            List<Integer> measured = settings.runs("grpc") ? report.stepsOf("Patchbay gRPC echo") : settings.steps();
            if (settings.runs("refs")) {
                try (References.Echo sipp = References.sipp(cluster.var().resolve("sipp-echo"))) {
                    report.add(ramp(sipp.target(), measured, List.of(meter(sipp.process().pid(), false)), List.of("sipp"), 0, false, false));
                }
                try (References.Echo nio = References.nio(settings.javaOpts())) {
                    report.add(ramp(nio.target(), measured, List.of(meter(nio.process().pid(), true)), List.of("nio-echo"), 0, false, false));
                }
            }
            for (int rate : settings.runs("setup") ? settings.rates() : List.<Integer>of()) {
                SetupRate.Result r = SetupRate.run(cluster.sipPort, "echo", rate, settings.rateSeconds(), 50,
                        cluster.var().resolve("setup"));
                LOG.info(() -> "setup rate " + r.row());
                report.add(r);
                report.addSetupReference(SetupRate.reference(rate, settings.rateSeconds(), cluster.var().resolve("setup")));
                if (!r.held()) {
                    break;
                }
            }
            done = cluster;
        }
        report.write();
        done.deleteVar(logs);
        LOG.info(() -> "wrote " + settings.out() + "; the processes' logs are in " + logs);
    }

    /**
     * Runs the steps in order against one target; with {@code stopOnFailure} the first step that
     * does not hold ends the ramp (the references run every step the ramp reached). A failed step of a
     * {@code patchbay} target is run once more, and the second try counts.
     */
    private List<Step> ramp(Callers.Target target, List<Integer> steps, List<ProcessMeter> meters, List<String> names,
                            double designedMs, boolean patchbay, boolean stopOnFailure) throws Exception {
        List<Step> done = new ArrayList<>();
        for (int n : steps) {
            Step s = logged(measured(target, n, meters, names, designedMs, patchbay));
            if (patchbay && !s.verdict().sustained()) {
                // One stall of the shared machine (another tenant, a GC of any of the four JVMs) in a
                // 10 s window fails a step: a failed Patchbay step gets one more try, and the report
                // says so. The references run every step once.
                Step first = s;
                s = logged(measured(target, n, meters, names, designedMs, patchbay));
                s = s.withVerdict(new Ramp.Verdict(s.verdict().sustained(), (s.verdict().sustained() ? "on a second try" : s.verdict().reason()
                        + " on a second try") + "; the first: " + first.verdict().reason()));
            }
            done.add(s);
            if (stopOnFailure && !s.verdict().sustained()) {
                break;
            }
        }
        return done;
    }

    /**
     * A step with its loss by cause recorded; the media-plane's counters for Patchbay's targets only,
     * read with no call up before and after, so they hold this step's calls and no others.
     */
    private Step measured(Callers.Target target, int n, List<ProcessMeter> meters, List<String> names, double designedMs,
                          boolean patchbay) throws Exception {
        MediaCounters.Counts before = patchbay ? media.readWhenIdle() : null;
        Step s = step(target, n, meters, names, designedMs);
        losses.record(target.name(), n, target.ptimeMs(), s.window(), patchbay ? media.readWhenIdle().minus(before) : null);
        return s;
    }

    private Step step(Callers.Target target, int n, List<ProcessMeter> meters, List<String> names, double designedMs)
            throws Exception {
        long[] heapBefore = new long[meters.size()];
        long[] rssBefore = new long[meters.size()];
        for (int i = 0; i < meters.size(); i++) {
            heapBefore[i] = meters.get(i).heapAfterGcKb();
            rssBefore[i] = meters.get(i).rssKb();
        }
        // Unique per step run: the id is in each INVITE's branch, and a repeated branch is a retransmission.
        Callers callers = Callers.place(target, n, target.name().replaceAll("\\W", "") + n + "r" + (++stepRuns));
        try {
            if (callers.failed() > 0) {
                LOG.warning(() -> target.name() + ": " + callers.failed() + " of " + n + " calls failed; first: " + callers.firstFailure());
            }
            RtpPacer.Window w;
            long[] cpu = new long[meters.size()];
            try (RtpPacer pacer = new RtpPacer(callers.calls(), target.ptimeMs())) {
                pacer.measure(settings.warmup(), Duration.ZERO);
                boolean wss = target.name().equals(Report.WSS) && wssRates != null;
                if (wss) {
                    wssRates.begin();
                }
                for (int i = 0; i < meters.size(); i++) {
                    cpu[i] = meters.get(i).cpuNanos();
                }
                w = pacer.measure(Duration.ZERO, settings.window());
                if (wss) {
                    StreamRates.Summary continuity = wssRates.end();
                    LOG.info(() -> target.name() + ", " + n + " calls, bot-side continuity: " + continuity.row());
                }
                for (int i = 0; i < meters.size(); i++) {
                    cpu[i] = meters.get(i).cpuNanos() - cpu[i];
                }
                // Heap and RSS with the calls still up and the pacer still sending.
                List<Step.Usage> usage = new ArrayList<>();
                for (int i = 0; i < meters.size(); i++) {
                    ProcessMeter m = meters.get(i);
                    long rss = m.rssKb();
                    long heap = m.heapAfterGcKb();
                    usage.add(new Step.Usage(names.get(i), 100.0 * cpu[i] / w.nanos() / n, rss,
                            (double) (rss - rssBefore[i]) / n, heap < 0 ? Double.NaN : (double) (heap - heapBefore[i]) / n));
                }
                Step draft = new Step(target.name(), n, callers.failed(), w, designedMs, usage, null);
                return new Step(target.name(), n, callers.failed(), w, designedMs, usage,
                        Ramp.ISSUE_LIMITS.judge(callers.failed(), w.lossPercent(), draft.addedMs(0.99)));
            }
        } finally {
            callers.close();
        }
    }

    private static Step logged(Step s) {
        LOG.info(() -> String.format(Locale.ROOT, "%s, %d calls: p50 %.2f ms (first fifth %.2f, last fifth %.2f), p99 %.2f ms,"
                + " loss %.3f%%, CPU %.3f%%/call, pacer late p99 %.2f ms: %s", s.target(), s.calls(), s.latencyMs(0.5),
                s.window().firstFifthP50Ms(), s.window().lastFifthP50Ms(), s.latencyMs(0.99), s.window().lossPercent(),
                s.cpuPercentPerCall(), Ramp.percentile(s.window().pacerLateness(), 0.99) / 1e6, s.verdict().reason()));
        return s;
    }

    private ProcessMeter meter(long pid, boolean jvm) {
        return new ProcessMeter(pid, jvm ? jcmd : null, ticksPerSecond);
    }

    /** A wss bot of dialect twilio at the generator's echo socket, reachable at {@value #WSS_NUMBER}. */
    static void addWssBot(Cluster cluster, String url) throws IOException, InterruptedException {
        String key = Files.readString(cluster.var().resolve("admin-key")).strip();
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        String base = "http://127.0.0.1:" + cluster.adminPort + "/v1/workspaces/ws_demo";
        String bot = post(http, key, base + "/bots", json.writeValueAsString(java.util.Map.of(
                "name", "bench wss echo", "kind", "wss", "url", url, "dialect", "twilio")));
        String botId = json.readTree(bot).get("id").asText();
        post(http, key, base + "/dids", json.writeValueAsString(java.util.Map.of("number", WSS_NUMBER, "bot_id", botId)));
    }

    private static String post(HttpClient http, String key, String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + url + " answered " + r.statusCode() + ": " + r.body()
                    + "; the admin API's bot or DID rules may have changed");
        }
        return r.body();
    }

    private static long clockTicks() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out.matches("\\d+") ? Long.parseLong(out) : 100;
    }
}
