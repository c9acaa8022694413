package dev.patchbay.media.app;

import java.nio.file.Path;
import java.time.Duration;

import dev.patchbay.media.config.MediaDefaults;
import dev.patchbay.media.fleet.FleetSettings;
import dev.patchbay.media.grpcserver.GrpcServerKind;
import dev.patchbay.media.sip.MessageLimits;
import dev.patchbay.media.sip.SourceGuard;
import dev.patchbay.media.sip.WarmupSettings;
import io.helidon.config.Config;

/**
 * Every media-plane setting, read once from {@code patchbay.*}. Defaults live only in the shipped
 * application.yaml, so {@link #from} takes no fallbacks; tests start from {@link #defaults()} and
 * change what they need with the withers.
 */
public record MediaConfig(String sipHost,
                          int sipPort,
                          int sipThreads,
                          String rtpHost,
                          int rtpPortMin,
                          int rtpPortMax,
                          String rtpAdvertise,
                          int mediaLoops,
                          int playoutFrames,
                          String grpcHost,
                          int grpcPort,
                          GrpcServerKind grpcServer,
                          String observeHost,
                          int observePort,
                          String clusterToken,
                          Duration routeTimeout,
                          Duration ringTimeout,
                          Duration ackTimeout,
                          int maxCalls,
                          Duration rtpTimeout,
                          Duration drainTimeout,
                          int jitterMaxMs,
                          int minSessionExpires,
                          TlsSettings tls,
                          Path recordings,
                          Duration reattachGrace,
                          SourceGuard.Settings sipGuard,
                          MessageLimits sipLimits,
                          FleetSettings fleet,
                          WarmupSettings sipWarmup,
                          int controlQueue) {

    public MediaConfig {
        if (rtpPortMin < 1024 || rtpPortMax > 65534 || rtpPortMax - rtpPortMin < 2) {
            throw new IllegalArgumentException("patchbay.rtp.port.min/max must span at least 2 ports within 1024-65534, got "
                    + rtpPortMin + "-" + rtpPortMax);
        }
        if (maxCalls < 1) {
            throw new IllegalArgumentException("patchbay.call.max must be at least 1, got " + maxCalls);
        }
        if (controlQueue < 2) {
            throw new IllegalArgumentException("patchbay.grpc.control-queue must be at least 2, got " + controlQueue);
        }
        if (playoutFrames < 2) {
            throw new IllegalArgumentException("patchbay.rtp.playout.frames must be at least 2, got " + playoutFrames);
        }
    }

    /** The shipped application.yaml alone, without environment or system properties. */
    public static MediaConfig defaults() {
        return from(MediaDefaults.root());
    }

    /** Reads every setting; a key missing from the merged sources means the shipped YAML was not on the path. */
    public static MediaConfig from(Config root) {
        Config p = root.get("patchbay");
        return new MediaConfig(
                p.get("sip.host").asString().get(),
                p.get("sip.port").asInt().get(),
                p.get("sip.threads").asInt().get(),
                p.get("rtp.host").asString().get(),
                p.get("rtp.port.min").asInt().get(),
                p.get("rtp.port.max").asInt().get(),
                p.get("rtp.advertise").asString().get(),
                p.get("rtp.loops").asInt().get(),
                p.get("rtp.playout.frames").asInt().get(),
                p.get("grpc.host").asString().get(),
                p.get("grpc.port").asInt().get(),
                GrpcServerKind.parse(p.get("grpc.server").asString().get()),
                p.get("media.observe.host").asString().get(),
                p.get("media.observe.port").asInt().get(),
                p.get("cluster.token").asString().get(),
                p.get("call.route.timeout").as(Duration.class).get(),
                p.get("call.ring.timeout").as(Duration.class).get(),
                p.get("call.ack.timeout").as(Duration.class).get(),
                p.get("call.max").asInt().get(),
                p.get("rtp.timeout").as(Duration.class).get(),
                p.get("shutdown.drain").as(Duration.class).get(),
                p.get("rtp.jitter.max").asInt().get(),
                p.get("sip.session.min").asInt().get(),
                TlsSettings.from(p),
                Path.of(p.get("recording.dir").asString().get()),
                p.get("call.reattach-grace").as(Duration.class).get(),
                SourceGuard.Settings.from(p),
                MessageLimits.from(p),
                FleetSettings.from(p),
                WarmupSettings.from(p),
                p.get("grpc.control-queue").asInt().get());
    }

    public int effectiveLoops() {
        return mediaLoops > 0 ? mediaLoops : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    public MediaConfig withSipHost(String sipHost) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withSipPort(int sipPort) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withSipThreads(int sipThreads) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withRtpHost(String rtpHost) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    /** The RTP port range: both ends at once, since each alone may not make a valid range. */
    public MediaConfig withRtpPorts(int rtpPortMin, int rtpPortMax) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withRtpAdvertise(String rtpAdvertise) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withMediaLoops(int mediaLoops) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withPlayoutFrames(int playoutFrames) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withGrpcHost(String grpcHost) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withGrpcServer(GrpcServerKind grpcServer) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withGrpcPort(int grpcPort) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withObserveHost(String observeHost) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withObservePort(int observePort) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withClusterToken(String clusterToken) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withRouteTimeout(Duration routeTimeout) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withRingTimeout(Duration ringTimeout) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withAckTimeout(Duration ackTimeout) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withMaxCalls(int maxCalls) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withRtpTimeout(Duration rtpTimeout) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withDrainTimeout(Duration drainTimeout) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withJitterMaxMs(int jitterMaxMs) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withMinSessionExpires(int minSessionExpires) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withTls(TlsSettings tls) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withRecordings(Path recordings) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withReattachGrace(Duration reattachGrace) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withSipGuard(SourceGuard.Settings sipGuard) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withSipLimits(MessageLimits sipLimits) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withFleet(FleetSettings fleet) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withSipWarmup(WarmupSettings sipWarmup) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }

    public MediaConfig withControlQueue(int controlQueue) {
        return new MediaConfig(
                sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, grpcServer, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet, sipWarmup, controlQueue);
    }
}
