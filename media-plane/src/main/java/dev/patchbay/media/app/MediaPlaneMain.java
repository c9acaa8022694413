package dev.patchbay.media.app;

import java.util.logging.Logger;

import java.nio.file.Path;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.logging.common.LogConfig;

/** Starts the media-plane with application.yaml overridden by environment and system properties. */
public final class MediaPlaneMain {

    private static final Logger LOG = Logger.getLogger(MediaPlaneMain.class.getName());

    private MediaPlaneMain() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        MediaConfig config = MediaConfig.from(load());
        MediaPlane plane;
        try {
            plane = MediaPlane.start(config);
        } catch (StartupException e) {
            LOG.severe(e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(plane::drainAndClose));
        // SIGTERM is the orchestrator's "drain" (Kubernetes, systemd): a clean drain exits 0, where the JVM's
        // default would exit 143 and make every planned stop look like a failure.
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> Thread.ofPlatform().name("drain").start(() -> {
            plane.drainAndClose();
            System.exit(0);
        }));
        LOG.info(() -> "media-plane ready: SIP udp+tcp " + config.sipHost() + ":" + config.sipPort()
                + (config.tls().enabled() ? ", SIP tls " + config.sipHost() + ":" + config.tls().port() : "")
                + ", gRPC " + config.grpcHost() + ":" + plane.grpcPort()
                + ", RTP " + config.rtpPortMin() + "-" + config.rtpPortMax()
                + ", health http://" + config.observeHost() + ":" + plane.observePort() + "/health");
    }

    /**
     * System properties, then environment ({@code PATCHBAY_SIP_PORT} is {@code patchbay.sip.port}),
     * then the YAML file named by {@code PATCHBAY_CONFIG} if any, then the shipped defaults.
     */
    static Config load() {
        Config.Builder builder = Config.builder();
        String file = System.getenv("PATCHBAY_CONFIG");
        if (file != null && !file.isBlank()) {
            builder.addSource(ConfigSources.file(Path.of(file)));
        }
        return builder.addSource(ConfigSources.classpath("application.yaml")).build();
    }
}
