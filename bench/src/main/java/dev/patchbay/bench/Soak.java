package dev.patchbay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * {@code ./patchbay soak [minutes] [calls]}: the three processes as their own JVMs on a PostgreSQL
 * database of the run's own, {@code calls} echo calls held (half gRPC, half Twilio WSS) with set-ups and
 * hang-ups churning, one {@link SoakSample} a minute, and at the end the verdict: no metric may trend
 * upward ({@link Trend}) and every call placed must have a finished record. Writes a CSV, charts and a
 * dated section under "Soak" in docs/reliability.md ({@link SoakReport}); exits 3 on a failed run (2 on one that could not run).
 *
 * <p>Arguments: repository root, project version, minutes, calls, churn (calls/s), output directory,
 * the document, and the chart directory.
 */
public final class Soak {

    private static final Logger LOG = Logger.getLogger(Soak.class.getName());
    static final List<String> APPS = List.of("media-plane", "control-plane", "admin-api");
    private static final String WORKSPACE = "ws_demo";
    /** How long the hung-up calls' records get to be finished after the last BYE. */
    private static final Duration SETTLE = Duration.ofSeconds(90);

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 8) {
            throw new IllegalArgumentException("usage: Soak <repo root> <version> <minutes> <calls> <churn/s> <out dir> <doc> <chart dir>");
        }
        boolean passed;
        try {
            passed = run(Path.of(args[0]), args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Path.of(args[5]), Path.of(args[6]), Path.of(args[7]));
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(2); // a broken run must not linger and load the machine
            return;
        }
        System.exit(passed ? 0 : 3); // Helidon's threads would otherwise keep the JVM up
    }

    static boolean run(Path root, String version, int minutes, int calls, int churn, Path out, Path doc, Path charts) throws Exception {
        Instant started = Instant.now();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC).format(started);
        Files.createDirectories(out);
        SoakReport.Run run;
        try (SoakDb db = new SoakDb("jdbc:postgresql://127.0.0.1:5432/", "patchbay_soak_" + stamp, WORKSPACE)) {
            run = soak(root, version, minutes, calls, churn, out, db, started);
        }
        SoakReport report = new SoakReport(run, out.resolve("soak.csv"), charts, stamp);
        report.write(doc);
        LOG.info(() -> report.summary());
        return report.passed();
    }

    private static SoakReport.Run soak(Path root, String version, int minutes, int calls, int churn, Path out, SoakDb db,
                                       Instant started) throws Exception {
        Map<String, Map<String, String>> perApp = new java.util.HashMap<>();
        for (String app : APPS) {
            perApp.put(app, Map.of("PATCHBAY_DB_CONNECTION_URL", db.url("patchbay-" + app),
                    "PATCHBAY_DB_CONNECTION_USERNAME", SoakDb.USER, "PATCHBAY_DB_CONNECTION_PASSWORD", ""));
        }
        List<String> javaOpts = java.util.Arrays.stream(System.getenv().getOrDefault("PATCHBAY_SOAK_JAVA_OPTS", "").split("\\s+"))
                .filter(s -> !s.isBlank()).toList();
        Cluster done;
        SoakReport.Run run;
        try (Cluster cluster = new Cluster(root, version, calls, 21000, javaOpts, Map.of(), perApp);
             WsEchoBot wsBot = new WsEchoBot()) {
            LoadGenerator.addWssBot(cluster, wsBot.url());
            SoakSampler sampler = new SoakSampler(db, APPS.stream().map(cluster::pid).toList(), APPS,
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
            ChurnLoad load = new ChurnLoad(List.of(Callers.Target.sip(Report.GRPC, cluster.sipPort, "echo"),
                    Callers.Target.sip(Report.WSS, cluster.sipPort, LoadGenerator.WSS_NUMBER)));
            try (load) {
                load.start(calls, churn);
                Instant loaded = Instant.now();
                LOG.info(() -> "holding " + calls + " calls, churning " + churn + "/s, for " + minutes + " min");
                for (int minute = 0; minute <= minutes; minute++) {
                    Instant due = loaded.plus(Duration.ofMinutes(minute));
                    while (Instant.now().isBefore(due)) {
                        Thread.sleep(Math.min(1000, Math.max(1, Duration.between(Instant.now(), due).toMillis())));
                    }
                    SoakSample s = sampler.sample(minute, Duration.between(loaded, Instant.now()).toMillis() / 60_000.0, load.counts());
                    LOG.info(s::line);
                }
            }
            ChurnLoad.Counts end = load.counts();
            SoakDb.Check check = awaitRecords(db, end.placed(), load.answeredCallIds());
            SoakSample after = sampler.sample(-1, Double.NaN, end);
            run = new SoakReport.Run(started, Instant.now(), minutes, calls, churn, sampler.samples(), after, end, check,
                    load.failureKinds(), Machine.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
            done = cluster;
        }
        done.deleteVar(out.resolve("logs"));
        return run;
    }

    /** Polls until every placed call's record is finished, or {@link #SETTLE} has passed. */
    private static SoakDb.Check awaitRecords(SoakDb db, long placed, Set<String> answeredCallIds) throws Exception {
        Instant until = Instant.now().plus(SETTLE);
        while (true) {
            SoakDb.Check c = SoakDb.check(placed, answeredCallIds, db.records());
            if (c.passed() || Instant.now().isAfter(until)) {
                return c;
            }
            Thread.sleep(1000);
        }
    }

    /** Metrics judged per process, and the rule each is judged by. */
    static final Map<String, Trend.Rule> PROCESS_METRICS = orderedRules(
            "heap_kb", Trend.Rule.SIZE, "rss_kb", Trend.Rule.SIZE, "threads", Trend.Rule.COUNT, "fds", Trend.Rule.COUNT,
            "udp_ports", Trend.Rule.COUNT, "db_connections", Trend.Rule.COUNT);
    /**
     * Metrics of the database, judged once. {@code live_call_rows} is charted but not judged: it follows the
     * calls up, which a loaded machine reaches late; its excess over them is judged instead.
     */
    static final Map<String, Trend.Rule> TABLE_METRICS = orderedRules(
            "live_call_rows", Trend.Rule.NONE, "live_rows_over_calls_up", Trend.Rule.COUNT, "pending_outbox_rows", Trend.Rule.COUNT);

    private static Map<String, Trend.Rule> orderedRules(Object... pairs) {
        Map<String, Trend.Rule> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Trend.Rule) pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
