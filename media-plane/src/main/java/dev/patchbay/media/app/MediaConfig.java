package dev.patchbay.media.app;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * Every media-plane setting, read once from {@code patchbay.*}. Defaults live in application.yaml;
 * the record is what the code sees, so tests build it directly.
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
                          java.nio.file.Path recordings,
                          Duration reattachGrace,
                          dev.patchbay.media.sip.SourceGuard.Settings sipGuard,
                          dev.patchbay.media.sip.MessageLimits sipLimits,
                          dev.patchbay.media.fleet.FleetSettings fleet) {

    /** Without a node registry: the static list mode every setup had before issue 16. */
    public MediaConfig(String sipHost, int sipPort, int sipThreads, String rtpHost, int rtpPortMin, int rtpPortMax,
                       String rtpAdvertise, int mediaLoops, int playoutFrames, String grpcHost, int grpcPort,
                       String observeHost, int observePort, String clusterToken, Duration routeTimeout,
                       Duration ringTimeout, Duration ackTimeout, int maxCalls, Duration rtpTimeout, Duration drainTimeout,
                       int jitterMaxMs, int minSessionExpires, TlsSettings tls, java.nio.file.Path recordings,
                       Duration reattachGrace, dev.patchbay.media.sip.SourceGuard.Settings sipGuard,
                       dev.patchbay.media.sip.MessageLimits sipLimits) {
        this(sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops, playoutFrames,
                grpcHost, grpcPort, observeHost, observePort, clusterToken, routeTimeout, ringTimeout, ackTimeout, maxCalls,
                rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings, reattachGrace, sipGuard,
                sipLimits, dev.patchbay.media.fleet.FleetSettings.STATIC);
    }

    /** Without explicit message limits: application.yaml's defaults. */
    public MediaConfig(String sipHost, int sipPort, int sipThreads, String rtpHost, int rtpPortMin, int rtpPortMax,
                       String rtpAdvertise, int mediaLoops, int playoutFrames, String grpcHost, int grpcPort,
                       String observeHost, int observePort, String clusterToken, Duration routeTimeout,
                       Duration ringTimeout, Duration ackTimeout, int maxCalls, Duration rtpTimeout, Duration drainTimeout,
                       int jitterMaxMs, int minSessionExpires, TlsSettings tls, java.nio.file.Path recordings,
                       Duration reattachGrace, dev.patchbay.media.sip.SourceGuard.Settings sipGuard) {
        this(sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops, playoutFrames,
                grpcHost, grpcPort, observeHost, observePort, clusterToken, routeTimeout, ringTimeout, ackTimeout, maxCalls,
                rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings, reattachGrace, sipGuard,
                dev.patchbay.media.sip.MessageLimits.DEFAULTS);
    }

    public MediaConfig {
        if (rtpPortMin < 1024 || rtpPortMax > 65534 || rtpPortMax - rtpPortMin < 2) {
            throw new IllegalArgumentException("patchbay.rtp.port.min/max must span at least 2 ports within 1024-65534, got "
                    + rtpPortMin + "-" + rtpPortMax);
        }
        if (maxCalls < 1) {
            throw new IllegalArgumentException("patchbay.call.max must be at least 1, got " + maxCalls);
        }
        if (playoutFrames < 2) {
            throw new IllegalArgumentException("patchbay.rtp.playout.frames must be at least 2, got " + playoutFrames);
        }
    }

    public static MediaConfig from(Config root) {
        Config p = root.get("patchbay");
        return new MediaConfig(
                p.get("sip.host").asString().orElse("0.0.0.0"),
                p.get("sip.port").asInt().orElse(5060),
                p.get("sip.threads").asInt().orElse(8),
                p.get("rtp.host").asString().orElse("0.0.0.0"),
                p.get("rtp.port.min").asInt().orElse(10000),
                p.get("rtp.port.max").asInt().orElse(20000),
                p.get("rtp.advertise").asString().orElse(""),
                p.get("rtp.loops").asInt().orElse(0),
                p.get("rtp.playout.frames").asInt().orElse(250),
                p.get("grpc.host").asString().orElse("0.0.0.0"),
                p.get("grpc.port").asInt().orElse(9090),
                p.get("media.observe.host").asString().orElse("127.0.0.1"),
                p.get("media.observe.port").asInt().orElse(9091),
                p.get("cluster.token").asString().orElse(""),
                p.get("call.route.timeout").as(Duration.class).orElse(Duration.ofSeconds(10)),
                p.get("call.ring.timeout").as(Duration.class).orElse(Duration.ofSeconds(60)),
                p.get("call.ack.timeout").as(Duration.class).orElse(Duration.ofSeconds(32)),
                p.get("call.max").asInt().orElse(2000),
                p.get("rtp.timeout").as(Duration.class).orElse(Duration.ofSeconds(30)),
                p.get("shutdown.drain").as(Duration.class).orElse(Duration.ofSeconds(10)),
                p.get("rtp.jitter.max").asInt().orElse(200),
                p.get("sip.session.min").asInt().orElse(90),
                new TlsSettings(p.get("sip.tls.port").asInt().orElse(5061),
                        p.get("sip.tls.keystore").asString().orElse(""),
                        p.get("sip.tls.password").asString().orElse(""),
                        java.nio.file.Path.of(p.get("var").asString().orElse("var"))),
                java.nio.file.Path.of(p.get("recording.dir").asString().orElse("var/recordings")),
                p.get("call.reattach-grace").as(Duration.class).orElse(Duration.ofSeconds(15)),
                new dev.patchbay.media.sip.SourceGuard.Settings(
                        p.get("sip.guard.scanners").asString().map(s -> java.util.List.of(s.split(",")))
                                .orElse(dev.patchbay.media.sip.SourceGuard.Settings.KNOWN_SCANNERS),
                        p.get("sip.guard.rate").asInt().orElse(500),
                        p.get("sip.guard.burst").asInt().orElse(1000)),
                new dev.patchbay.media.sip.MessageLimits(p.get("sip.max-message-size.udp").asInt().orElse(65536),
                        p.get("sip.max-message-size.stream").asInt().orElse(65536)),
                dev.patchbay.media.fleet.FleetSettings.from(p));
    }

    /** The same settings with another fleet membership (registry, node id, addresses). */
    public MediaConfig withFleet(dev.patchbay.media.fleet.FleetSettings other) {
        return new MediaConfig(sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, rtpAdvertise, mediaLoops,
                playoutFrames, grpcHost, grpcPort, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, other);
    }

    /** The same settings with another public address for SDP, Contact and Via. */
    public MediaConfig withAdvertise(String address) {
        return new MediaConfig(sipHost, sipPort, sipThreads, rtpHost, rtpPortMin, rtpPortMax, address, mediaLoops,
                playoutFrames, grpcHost, grpcPort, observeHost, observePort, clusterToken, routeTimeout, ringTimeout,
                ackTimeout, maxCalls, rtpTimeout, drainTimeout, jitterMaxMs, minSessionExpires, tls, recordings,
                reattachGrace, sipGuard, sipLimits, fleet);
    }

    public int effectiveLoops() {
        return mediaLoops > 0 ? mediaLoops : Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
