package dev.patchbay.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.logging.Logger;

/**
 * The gRPC echo (the control-plane's echo bot on one AudioMux stream, calls routed over the Control
 * stream) on the media-plane's two gRPC servers in one run: the main cluster's media-plane on
 * grpc-java's Netty server, the shipped default, and a second cluster started beside it whose
 * media-plane runs Helidon's ({@code PATCHBAY_GRPC_SERVER=helidon}). Both stay up throughout and their
 * steps alternate, Netty then Helidon, twice per step size, so a loaded shared machine weighs on both
 * alike; each pair is reported with Helidon / Netty ratios. The steps stop after the first size at
 * which no step of either server held.
 */
final class GrpcServerComparison {

    private static final Logger LOG = Logger.getLogger(GrpcServerComparison.class.getName());
    static final String NETTY = "Patchbay gRPC echo, Netty gRPC server";
    static final String HELIDON = "Patchbay gRPC echo, Helidon gRPC server";
    private static final int ROUNDS = 2;

    /** One measured step, as LoadGenerator runs and logs it. */
    interface StepRunner {
        Step run(Callers.Target target, int calls, List<ProcessMeter> meters, List<String> names) throws Exception;
    }

    /** A step size's round: the two servers' steps taken one after the other. */
    private record Pair(int round, Step netty, Step helidon) { }

    private final Settings settings;
    private final String version;
    private final StepRunner steps;
    private final LongFunction<ProcessMeter> meter;

    GrpcServerComparison(Settings settings, String version, StepRunner steps, LongFunction<ProcessMeter> meter) {
        this.settings = settings;
        this.version = version;
        this.steps = steps;
        this.meter = meter;
    }

    /**
     * Runs the comparison against the main cluster's gRPC echo and returns the report's section.
     *
     * @param nettyEcho   the main cluster's gRPC echo target
     * @param nettyMeters the main cluster's media-plane and control-plane meters, in {@code names}' order
     */
    String run(Callers.Target nettyEcho, List<ProcessMeter> nettyMeters, List<String> names) throws Exception {
        if ("helidon".equalsIgnoreCase(System.getenv().getOrDefault("PATCHBAY_GRPC_SERVER", "").strip())) {
            throw new IllegalStateException("PATCHBAY_GRPC_SERVER=helidon would put both sides of the grpcserver part on"
                    + " Helidon; unset it for this part");
        }
        // Above the main cluster's RTP range (rtpMin + 4 * maxCalls + 200).
        int rtpMin = settings.rtpMin() + 4 * settings.maxCalls() + 300;
        List<Pair> pairs = new ArrayList<>();
        try (Cluster helidon = new Cluster(settings.root(), version, settings.maxCalls(), rtpMin, settings.javaOpts(),
                Map.of("PATCHBAY_GRPC_SERVER", "helidon"))) {
            Callers.Target netty = nettyEcho.withPtime(NETTY, nettyEcho.ptimeMs());
            Callers.Target helidonEcho = Callers.Target.sip(HELIDON, helidon.sipPort, "echo");
            List<ProcessMeter> helidonMeters = List.of(meter.apply(helidon.pid(names.get(0))),
                    meter.apply(helidon.pid(names.get(1))));
            if (settings.prime()) {
                steps.run(netty, settings.steps().getFirst(), nettyMeters, names);
                steps.run(helidonEcho, settings.steps().getFirst(), helidonMeters, names);
            }
            for (int n : settings.steps()) {
                boolean anyHeld = false;
                for (int round = 1; round <= ROUNDS; round++) {
                    Step a = steps.run(netty, n, nettyMeters, names);
                    Step b = steps.run(helidonEcho, n, helidonMeters, names);
                    pairs.add(new Pair(round, a, b));
                    anyHeld |= a.verdict().sustained() || b.verdict().sustained();
                }
                if (!anyHeld) {
                    break; // larger steps would only fail too, four times each
                }
            }
        }
        String section = section(pairs);
        LOG.info(() -> "gRPC servers compared:" + section); // also in the log, should the report fail later
        return section;
    }

    private static String section(List<Pair> pairs) {
        StringBuilder md = new StringBuilder("\n## gRPC server: grpc-java Netty vs Helidon (same run, steps alternated)\n\n")
                .append("The gRPC echo (AudioMux and Control between control-plane and media-plane) with the media-plane on ")
                .append("each server; both clusters up throughout, each step size run Netty then Helidon, twice. ")
                .append("N = Netty, H = Helidon; H/N is Helidon over Netty from the same round.\n\n")
                .append("| calls | round | added p50 ms N / H | H/N | added p99 ms N / H | H/N | loss % N / H | packets back/s N / H ")
                .append("| CPU %/call media-plane N / H | H/N | CPU %/call control-plane N / H | generator late p99 ms N / H |\n")
                .append("|---:|---:|---|---:|---|---:|---|---|---|---:|---|---|\n");
        for (Pair p : pairs) {
            Step n = p.netty();
            Step h = p.helidon();
            double nMedia = n.usage("media-plane").cpuPercentPerCall();
            double hMedia = h.usage("media-plane").cpuPercentPerCall();
            md.append(Report.f("| %d | %d | %.2f / %.2f | %s | %.2f / %.2f | %s | %.3f / %.3f | %.2f / %.2f | %.3f / %.3f | %s | %.3f / %.3f | %.2f / %.2f |\n",
                    n.calls(), p.round(), n.addedMs(0.5), h.addedMs(0.5), ratio(h.addedMs(0.5), n.addedMs(0.5)),
                    n.addedMs(0.99), h.addedMs(0.99), ratio(h.addedMs(0.99), n.addedMs(0.99)),
                    n.window().lossPercent(), h.window().lossPercent(),
                    n.window().packetsPerCallSecond(n.calls()), h.window().packetsPerCallSecond(h.calls()),
                    nMedia, hMedia, ratio(hMedia, nMedia),
                    n.usage("control-plane").cpuPercentPerCall(), h.usage("control-plane").cpuPercentPerCall(),
                    Ramp.percentile(n.window().pacerLateness(), 0.99) / 1e6, Ramp.percentile(h.window().pacerLateness(), 0.99) / 1e6));
        }
        return md.toString();
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b <= 0 ? "n/a" : Report.f("%.2fx", a / b);
    }
}
