package dev.patchbay.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.control.bot.EchoBot;
import dev.patchbay.control.wss.BridgeListener;
import dev.patchbay.control.wss.BridgeMux;
import dev.patchbay.control.wss.BridgeTarget;
import dev.patchbay.control.wss.WssBridge;
import dev.patchbay.media.app.MediaConfig;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.RouteDecision;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

/**
 * Concurrent echo calls against an in-process media-plane: N real SIP calls over loopback UDP,
 * 20 ms PCMU both ways, echoed by an echo bot on one gRPC Audio stream per call ({@code grpc}), by
 * the product's echo bot on one AudioMux stream for all calls ({@code mux}), or by a Twilio Media
 * Streams echo bot behind the product's WSS bridge ({@code wss}). Reports, per bot and N, the
 * process's CPU per call, heap per call, echo latency percentiles and loss; the bots in one run give
 * each transport's cost as a difference measured under the same conditions.
 *
 * <p>The callers and the echo bot run in the same JVM as the media-plane, so CPU and heap are upper
 * bounds for the media-plane alone. {@code ./patchbay bench} keeps it for one thing: the per-call
 * stream's, the mux's and the WSS bridge's costs side by side in one process; {@link LoadGenerator} measures the real,
 * separate processes.
 */
public final class LoadBench {

    private LoadBench() {
    }

    /** One call's caller side. */
    private record Caller(SipUdpClient sip, DatagramChannel rtp, InetSocketAddress media, String toTag) implements RtpPacer.Leg {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception | Error e) {
            // gRPC's and Helidon's non-daemon threads would otherwise keep a failed run alive, burning CPU
            // under whatever runs next on the machine.
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "100,500").split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path out = Path.of(args.length > 2 ? args[2] : "bench/target/load.md");
        List<String> bots = List.of((args.length > 3 ? args[3] : "grpc").split(","));
        int max = Arrays.stream(sizes).max().orElse(100);
        int sipPort = freePort();
        int rtpBase = 30000;
        MediaConfig d = MediaConfig.defaults();
        MediaConfig config = d.withSipHost("127.0.0.1").withSipPort(sipPort).withSipThreads(8)
                .withRtpHost("127.0.0.1").withRtpPorts(rtpBase, rtpBase + 4 * max + 100).withMediaLoops(0)
                .withGrpcHost("127.0.0.1").withGrpcPort(0).withObservePort(0)
                .withRingTimeout(Duration.ofSeconds(10)).withAckTimeout(Duration.ofSeconds(10))
                .withMaxCalls((bots.size() + 1) * max + 10).withRtpTimeout(Duration.ofSeconds(60))
                .withDrainTimeout(Duration.ofSeconds(1)).withTls(d.tls().withPort(0))
                .withRecordings(Files.createTempDirectory("patchbay-bench"))
                .withSipGuard(d.sipGuard().withLimit(0, 0)); // the load comes from one address
        StringBuilder md = new StringBuilder("## Concurrent echo calls, in-process (upper bound)\n\n")
                .append("Run ").append(LocalDate.now()).append(" with `./patchbay bench` on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ").append(System.getProperty("java.version"))
                .append(". Callers, echo bot and media-plane share one JVM, so CPU and heap include the callers' side. ")
                .append("Latency is from a caller packet's send to its echo's arrival: RTP in, jitter buffer (frames in order leave on arrival), ")
                .append("gRPC to the echo bot and back, and RTP out as the echo arrives. ").append(seconds).append(" s measured per row.\n\n")
                .append("`grpc` echoes on one Audio stream per call; `mux` is the product's echo bot, all calls on one AudioMux ")
                .append("stream (frames batched per media loop wake-up); `wss`, when listed, is a Twilio Media Streams echo bot on a local WebSocket ")
                .append("behind the control-plane's WSS bridge (JSON and base64 both ways), which itself talks to the media-plane ")
                .append("on one AudioMux stream as `mux` does, so its difference to `mux` is what the bridge adds.\n\n")
                .append("| bot | calls | CPU % of one core per call | heap KB per call | latency p50 ms | p99 ms | p99.9 ms | loss % |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        try (MediaPlane plane = MediaPlane.start(config); TestControl control = new TestControl(plane.grpcPort());
             WsEchoBot wsBot = new WsEchoBot()) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", plane.grpcPort()).usePlaintext().build();
            HttpClient http = HttpClient.newHttpClient();
            dev.patchbay.control.bot.EchoMux echoMux = new dev.patchbay.control.bot.EchoMux(channel);
            BridgeMux bridgeMux = new BridgeMux(channel, "bench");
            for (String bot : bots) {
                Attach attach = switch (bot) {
                    case "grpc" -> (id, token) -> EchoBot.attach(channel, id, token, (c, why) -> { });
                    case "mux" -> (id, token) -> echoMux.attach(id, token, (c, why) -> { });
                    case "wss" -> (id, token) -> WssBridge.open(bridgeMux, new BridgeTarget(id, token, URI.create(wsBot.url()),
                            "twilio", 8000, Map.of(), "bench", "", "", Duration.ofSeconds(10), Duration.ofSeconds(1)),
                            QUIET, http);
                    default -> throw new IllegalArgumentException("bot must be grpc, mux or wss, not " + bot);
                };
                Thread router = Thread.ofPlatform().daemon(true).start(() -> route(control, attach));
                for (int n : sizes) {
                    String row = "| " + bot + " " + step(plane, n, seconds, sipPort);
                    System.out.println(row);
                    md.append(row).append('\n');
                }
                router.interrupt();
                router.join();
            }
            bridgeMux.close();
            channel.shutdownNow();
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
    }

    /** Connects a call's audio to the bot under test. */
    private interface Attach {
        void attach(String callId, String token);
    }

    private static final BridgeListener QUIET = new BridgeListener() {
        @Override
        public void connected(String callId) {
        }

        @Override
        public void ended(String callId, String reason) {
        }

        @Override
        public void action(String callId, String action, String detail) {
        }
    };

    /** The control-plane's part: answer every offer and attach the bot under test. */
    private static void route(TestControl control, Attach bot) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                ControlEvent e = control.events.poll(100, TimeUnit.MILLISECONDS);
                if (e != null && e.getEventCase() == ControlEvent.EventCase.OFFERED) {
                    bot.attach(e.getCallId(), e.getOffered().getAttachToken());
                    control.decide(RouteDecision.newBuilder().setCallId(e.getCallId()).setAnswer(Answer.getDefaultInstance()));
                }
            }
        } catch (InterruptedException done) {
            Thread.currentThread().interrupt();
        }
    }

    private static String step(MediaPlane plane, int n, int seconds, int sipPort) throws Exception {
        gc();
        long heapBefore = heapUsed();
        List<Caller> callers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            callers.add(call(sipPort, n + "-" + i));
        }
        long cpu;
        RtpPacer.Window w;
        long heapWith;
        try (RtpPacer pacer = new RtpPacer(callers, 20)) {
            pacer.measure(Duration.ofSeconds(3), Duration.ZERO); // warm-up: jitter buffers settle, JIT compiles
            long cpuBefore = processCpuNanos();
            w = pacer.measure(Duration.ZERO, Duration.ofSeconds(seconds));
            cpu = processCpuNanos() - cpuBefore;
            gc(); // only after measuring: a forced GC pauses the calls too
            heapWith = heapUsed();
        }
        for (Caller c : callers) {
            c.sip().request("BYE", "echo", 2, Callers.byeBranch(c.sip()), c.toTag(), null, null);
            c.sip().finalResponseTo("2 BYE", Duration.ofSeconds(5));
            c.sip().close();
            c.rtp().close();
        }
        long until = System.nanoTime() + 10_000_000_000L;
        while (plane.calls().activeCalls() > 0 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        double cpuPerCall = 100.0 * cpu / w.nanos() / n;
        double heapPerCall = (heapWith - heapBefore) / 1024.0 / n;
        long[] lat = w.latencies();
        return String.format(Locale.ROOT, "| %d | %.3f | %.1f | %.1f | %.1f | %.1f | %.2f |", n, cpuPerCall, heapPerCall,
                pct(lat, 0.50), pct(lat, 0.99), pct(lat, 0.999), w.lossPercent());
    }

    private static Caller call(int sipPort, String i) throws Exception {
        SipUdpClient sip = new SipUdpClient(sipPort);
        DatagramChannel rtp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        int rtpPort = ((InetSocketAddress) rtp.getLocalAddress()).getPort();
        sip.request("INVITE", "echo", 1, "load" + i, null, null, SipUdpClient.sdp(rtpPort, "0 101", Callers.OFFER_ATTRIBUTES));
        SipUdpClient.SipMessage ok = sip.finalResponseTo("1 INVITE", Duration.ofSeconds(10));
        if (ok == null || ok.status() != 200) {
            throw new IllegalStateException("call " + i + " was not answered: " + (ok == null ? "timeout" : ok.startLine()));
        }
        Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(ok.body());
        if (!m.find()) {
            throw new IllegalStateException("no media port in " + ok.body());
        }
        String toTag = ok.header("To").replaceAll(".*;tag=", "");
        sip.request("ACK", "echo", 1, "ack" + i, toTag, null, null);
        rtp.configureBlocking(false);
        return new Caller(sip, rtp, new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))), toTag);
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void gc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }
}
