package dev.patchbay.media.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sip.SipException;

import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallPolicy;
import dev.patchbay.media.fleet.FleetMember;
import dev.patchbay.media.fleet.NodeRegistry;
import dev.patchbay.media.grpc.ClusterAuth;
import dev.patchbay.media.grpc.ControlHub;
import dev.patchbay.media.grpc.MediaPlaneService;
import dev.patchbay.media.grpcserver.MediaGrpcServer;
import dev.patchbay.media.loop.MediaLoop;
import dev.patchbay.media.loop.NanoClock;
import dev.patchbay.media.metrics.MediaMetrics;
import dev.patchbay.media.registration.RegistrationKeeper;
import dev.patchbay.media.registration.RegistrationMetrics;
import dev.patchbay.media.registration.RegistrationSettings;
import dev.patchbay.media.record.RecordingFiles;
import dev.patchbay.media.record.RecordingWriter;
import dev.patchbay.media.rtp.RtpPortPool;
import dev.patchbay.media.sip.SipKeystore;
import dev.patchbay.media.sip.SipServer;
import dev.patchbay.media.sip.SourceGuard;
import dev.patchbay.media.sip.WarmupSettings;
import dev.patchbay.metrics.ProcessMetrics;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.schema.Migrations;
import dev.patchbay.startup.PortGuard;
import dev.patchbay.startup.StartupException;
import io.grpc.ServerInterceptors;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;

/**
 * The media-plane process, wired in one place: media loops, call manager, SIP, the gRPC server for
 * Control and Audio, and the observe socket. Tests start it exactly like {@code main} does.
 *
 * <p>{@code patchbay.grpc.server} picks grpc-java's Netty server or Helidon's for the gRPC socket; the
 * service is the same on both. Netty is the default: Helidon 4.5.0's cannot tell the AudioMux
 * stream that a bot is slow, so its sends block the media loop (docs/benchmarks.md, 2026-12-07).
 */
public final class MediaPlane implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MediaPlane.class.getName());
    private static final Set<String> AUDIO_METHODS = Set.of(
            MediaPlaneGrpc.getAudioMethod().getFullMethodName(),
            MediaPlaneGrpc.getAudioMuxMethod().getFullMethodName());

    private final List<MediaLoop> loops;
    private final ScheduledExecutorService timers;
    private final CallManager calls;
    private final ControlHub hub;
    private final SipServer sip;
    private final MediaGrpcServer grpc;
    private final WebServer observe;
    private final Duration drainTimeout;
    private final int sipPort;
    private final RecordingWriter recordings;
    private final FleetMember fleet;
    private final RegistrationKeeper registrations;
    private final ProcessMetrics metrics;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile Runnable afterRemoteDrain = () -> { };

    private MediaPlane(List<MediaLoop> loops, ScheduledExecutorService timers, CallManager calls, ControlHub hub,
                       SipServer sip, MediaGrpcServer grpc, WebServer observe, Duration drainTimeout, int sipPort,
                       RecordingWriter recordings, FleetMember fleet, RegistrationKeeper registrations,
                       ProcessMetrics metrics) {
        this.registrations = registrations;
        this.metrics = metrics;
        this.fleet = fleet;
        this.recordings = recordings;
        this.loops = loops;
        this.timers = timers;
        this.calls = calls;
        this.hub = hub;
        this.sip = sip;
        this.grpc = grpc;
        this.observe = observe;
        this.drainTimeout = drainTimeout;
        this.sipPort = sipPort;
    }

    public static MediaPlane start(MediaConfig config) throws StartupException {
        Clock clock = Clock.systemUTC();
        Instant startedAt = clock.instant(); // before SIP listens: every call of this run is newer
        // reload4j (needed by jain-sip) would otherwise capture Netty's logging, unconfigured.
        InternalLoggerFactory.setDefaultFactory(
                JdkLoggerFactory.INSTANCE);
        PortGuard.requireUdp("media-plane", config.sipHost(), config.sipPort(), "patchbay.sip.port");
        PortGuard.requireTcp("media-plane", config.sipHost(), config.sipPort(), "patchbay.sip.port");
        PortGuard.requireTcp("media-plane", config.grpcHost(), config.grpcPort(), "patchbay.grpc.port");
        if (config.tls().enabled()) {
            PortGuard.requireTcp("media-plane", config.sipHost(), config.tls().port(), "patchbay.sip.tls.port");
        }
        SipKeystore keystore = config.tls().enabled() ? TlsKeystore.resolve(config.tls()) : null;
        PortGuard.requireTcp("media-plane", config.observeHost(), config.observePort(), "patchbay.media.observe.port");

        List<MediaLoop> loops = new ArrayList<>();
        for (int i = 0; i < config.effectiveLoops(); i++) {
            MediaLoop loop = new MediaLoop("media-loop-" + i, NanoClock.SYSTEM);
            loop.start();
            loops.add(loop);
        }
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("call-timers").daemon(true).factory());
        RecordingWriter recordings = new RecordingWriter();
        recordings.start();
        CallManager calls = new CallManager(new RtpPortPool(config.rtpHost(), config.rtpPortMin(), config.rtpPortMax()),
                loops, timers, new CallPolicy(config.maxCalls(), config.playoutFrames(), config.routeTimeout(),
                        config.ringTimeout(), config.ackTimeout(), config.rtpTimeout(), config.jitterMaxMs(),
                        config.recordings(), config.reattachGrace()), recordings, NanoClock.SYSTEM);
        ControlHub hub = new ControlHub(calls, config.controlQueue());
        // The plane does not exist yet when its gRPC service is made; a drain asked for before it does is refused.
        AtomicReference<MediaPlane> self = new AtomicReference<>();

        MediaGrpcServer grpc;
        try {
            grpc = MediaGrpcServer.start(config.grpcServer(), new InetSocketAddress(config.grpcHost(), config.grpcPort()),
                    ServerInterceptors.intercept(new MediaPlaneService(calls, hub,
                            new RecordingFiles(config.recordings(), recordings),
                            () -> self.get() != null && self.get().drainInBackground()).definition(),
                            new ClusterAuth(config.clusterToken())), AUDIO_METHODS);
        } catch (IOException e) {
            loops.forEach(MediaLoop::close);
            throw new StartupException("media-plane cannot start gRPC (" + config.grpcServer().key() + ") on "
                    + config.grpcHost() + ":" + config.grpcPort() + ": " + e.getMessage()
                    + "; set patchbay.grpc.port (env PATCHBAY_GRPC_PORT)", e);
        }
        FleetAddresses addresses = FleetAddresses.of(config, grpc.port());
        String mediaNode = addresses.grpc();
        SipServer sip;
        try {
            sip = SipServer.start(config.sipHost(), config.sipPort(), config.sipThreads(), config.rtpAdvertise(), mediaNode,
                    config.minSessionExpires(), config.tls().port(), keystore, calls, new SourceGuard(config.sipGuard()),
                    config.sipLimits(), NanoClock.SYSTEM);
        } catch (SipException e) {
            grpc.shutdownNow();
            loops.forEach(MediaLoop::close);
            throw new StartupException(e.getMessage() + "; set patchbay.sip.port (env PATCHBAY_SIP_PORT)", e);
        }
        calls.connect(sip.signalling(), hub);
        NodeReadiness readiness = new NodeReadiness(calls, hub, config.fleet().registers());
        sip.availability(readiness::why);
        ProcessMetrics metrics = ProcessMetrics.create("media-plane", "node", addresses.nodeId());
        MediaMetrics callMetrics = new MediaMetrics(metrics.registry(), calls, hub::connected, sip::refused);
        calls.tally(callMetrics);
        callMetrics.controlStreams(hub::offersRefused, hub::eventsDropped);
        sip.inviteResponses(callMetrics::inviteResponse);
        WebServer observe = WebServer.builder()
                .host(config.observeHost())
                .port(config.observePort())
                .routing(r -> {
                    metrics.routing(r);
                    routing(r, calls, hub);
                    HealthRoutes.routing(r, readiness, calls, hub);
                })
                .build()
                .start();
        // Before the node joins or says ready: probes and OPTIONS answer 503 "warming up" meanwhile.
        readiness.warming(true);
        WarmupSettings.Report warmup = sip.warmUp(config.sipWarmup());
        readiness.warming(false);
        if (config.sipWarmup().enabled()) {
            LOG.info(() -> "SIP warm-up: " + warmup.answered() + " of " + warmup.sent() + " rehearsed INVITEs answered in "
                    + warmup.millis() + " ms (patchbay.sip.warmup)");
        }
        FleetMember fleet = null;
        if (config.fleet().registers()) {
            // Joined last: the row announces a node that already serves SIP and gRPC.
            fleet = join(config, addresses, calls, clock, startedAt);
            if (fleet == null) {
                observe.stop();
                metrics.close();
                sip.close();
                grpc.shutdownNow();
                loops.forEach(MediaLoop::close);
                throw new StartupException("media-plane cannot register in the database at "
                        + config.fleet().db().url() + "; check patchbay.db.connection.url (env PATCHBAY_DB_CONNECTION_URL), "
                        + "or leave it empty to run without the node registry", null);
            }
            readiness.fleet(fleet);
        }
        RegistrationKeeper registrations = null;
        if (config.fleet().registers() && config.fleet().registration().enabled()) {
            RegistrationSettings r = config.fleet().registration();
            registrations = RegistrationKeeper.start(config.fleet().db(), addresses.nodeId(), r.box(), sip.registers(), r, clock);
            RegistrationMetrics.register(metrics.registry(), registrations);
        } else if (config.fleet().registers()) {
            LOG.info("patchbay.secrets.key is empty: this node holds no trunk registration (set it to the admin-api's key)");
        }
        MediaPlane plane = new MediaPlane(loops, timers, calls, hub, sip, grpc, observe, config.drainTimeout(),
                config.sipPort(), recordings, fleet, registrations, metrics);
        self.set(plane);
        return plane;
    }

    private static FleetMember join(MediaConfig config, FleetAddresses addresses, CallManager calls,
                                    Clock clock, Instant startedAt) {
        try {
            Migrations.migrate(config.fleet().db());
            FleetMember member = new FleetMember(new NodeRegistry(config.fleet().db(), new NodeRegistry.NodeRow(
                    addresses.nodeId(), addresses.sip(), addresses.rtp(), addresses.grpc(), config.maxCalls(), startedAt),
                    clock), config.fleet().heartbeat(), calls::activeCalls);
            member.join();
            return member;
        } catch (SQLException | RuntimeException e) {
            LOG.severe(() -> "node registry: " + e.getMessage());
            return null;
        }
    }

    /** The observe socket's summary for a person; Prometheus reads {@code /metrics} (ProcessMetrics, MediaMetrics). */
    static void routing(HttpRouting.Builder routing, CallManager calls, ControlHub hub) {
        routing.get("/health", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send("{\"status\":\"UP\",\"active_calls\":" + calls.activeCalls()
                    + ",\"control_planes\":" + hub.connected()
                    + ",\"rtp_ports_free\":" + calls.ports().available() + "}");
        });
    }

    public int sipPort() {
        return sipPort;
    }

    /** The SIP gate's counters: scanners dropped, requests throttled. */
    public SourceGuard sipGuard() {
        return sip.guard();
    }

    /** The SIP listeners: open TCP/TLS connections and those refused for a cap. */
    public SipServer sip() {
        return sip;
    }

    /** Requests refused by SIP validation before any handler saw them (RFC 3261 §8.2). */
    public long sipRefused() {
        return sip.refused();
    }

    public int grpcPort() {
        return grpc.port();
    }

    public int observePort() {
        return observe.port();
    }

    public CallManager calls() {
        return calls;
    }

    /** This process's meters, as {@code /metrics} on the observe socket serves them. */
    public ProcessMetrics metrics() {
        return metrics;
    }

    public ControlHub hub() {
        return hub;
    }

    /** The trunk registrations this node keeps, if it has a database and a secrets key. */
    public Optional<RegistrationKeeper> registrations() {
        return Optional.ofNullable(registrations);
    }

    /** This node's fleet membership, if it registers in the database. */
    public Optional<FleetMember> fleet() {
        return Optional.ofNullable(fleet);
    }

    /**
     * What runs once a drain asked for over gRPC has finished: {@code System.exit(0)} in
     * {@link MediaPlaneMain}, as after SIGTERM; nothing in tests, which keep the JVM.
     */
    public void afterRemoteDrain(Runnable action) {
        this.afterRemoteDrain = action;
    }

    /** The Drain RPC: {@link #drainAndClose} on its own thread; false when a drain or a stop is already under way. */
    boolean drainInBackground() {
        if (closing.get() || !draining.compareAndSet(false, true)) {
            return false;
        }
        Thread.ofPlatform().name("drain").start(() -> {
            drain();
            afterRemoteDrain.run();
        });
        return true;
    }

    /**
     * SIGTERM: the row turns draining, OPTIONS and new INVITEs get 503 with Retry-After, calls in
     * progress get {@code patchbay.shutdown.drain} to end by themselves, the rest get BYE with a
     * Reason; then the row goes and everything stops. Runs once; a second call returns at once.
     */
    public DrainReport drainAndClose() {
        if (!draining.compareAndSet(false, true) || closing.get()) {
            return new DrainReport(0, 0, 0, 0);
        }
        return drain();
    }

    private DrainReport drain() {
        long start = calls.clock().nanos();
        int before = calls.activeCalls();
        LOG.info(() -> "draining: " + before + " calls in progress, up to " + drainTimeout.toSeconds() + " s");
        if (fleet != null) {
            fleet.drain();
        }
        if (registrations != null) {
            registrations.drain(); // hands the registrations to other nodes now, not when the lease lapses
        }
        int cut = 0;
        try {
            cut = calls.drain(drainTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long callsDone = calls.clock().nanos();
        close();
        DrainReport report = new DrainReport(before, cut, (callsDone - start) / 1_000_000, (calls.clock().nanos() - start) / 1_000_000);
        LOG.info(() -> "drained: " + report);
        return report;
    }

    /**
     * A drain's timeline.
     *
     * @param calls       calls in progress when it began
     * @param cut         of those, calls still up at the deadline and ended with BYE
     * @param lastCallMs  from the drain's start to the last call's end
     * @param stoppedMs   from the drain's start to everything stopped
     */
    public record DrainReport(int calls, int cut, long lastCallMs, long stoppedMs) { }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        calls.endAll("media-plane is shutting down");
        try {
            calls.drain(Duration.ofSeconds(2)); // each hang-up reaches a replica before its stream ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Refuse new streams before ending the replicas' ones: a replica reconnects at once to a node
        // still in its table, and the stop would then wait out that new stream to the 3 s limit below.
        grpc.shutdown();
        hub.closeAll();
        if (registrations != null) {
            registrations.close(); // before SIP stops: it unregisters this node's Contacts
        }
        sip.close();
        try {
            if (!grpc.awaitTermination(Duration.ofSeconds(3))) {
                grpc.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loops.forEach(MediaLoop::close);
        timers.shutdownNow();
        recordings.close();
        observe.stop();
        metrics.close();
        if (fleet != null) {
            fleet.leave();
        }
        LOG.info("media-plane stopped");
    }
}
