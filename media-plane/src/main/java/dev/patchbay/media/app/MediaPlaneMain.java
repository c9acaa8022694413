package dev.patchbay.media.app;

import java.util.logging.Logger;

import io.helidon.config.ConfigSources;

import dev.patchbay.startup.Settings;
import dev.patchbay.startup.Startup;
import sun.misc.Signal;

/** Starts the media-plane with application.yaml overridden by environment and system properties. */
public final class MediaPlaneMain {

    private static final Logger LOG = Logger.getLogger(MediaPlaneMain.class.getName());

    private MediaPlaneMain() {
    }

    public static void main(String[] args) {
        Startup.run(MediaPlaneMain.class, "media-plane", () -> {
            MediaConfig config = Settings.read(() -> MediaConfig.from(Settings.load(ConfigSources.classpath("application.yaml").build())));
            MediaPlane plane = MediaPlane.start(config);
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(plane::drainAndClose));
            // SIGTERM is the orchestrator's "drain" (Kubernetes, systemd): a clean drain exits 0, where the JVM's
            // default would exit 143 and make every planned stop look like a failure.
            Signal.handle(new Signal("TERM"), signal -> Thread.ofPlatform().name("drain").start(() -> {
                plane.drainAndClose();
                System.exit(0);
            }));
            plane.afterRemoteDrain(() -> System.exit(0)); // the admin API's drain ends the process as SIGTERM does
            LOG.info(() -> "media-plane ready: SIP udp+tcp " + config.sipHost() + ":" + config.sipPort()
                    + (config.tls().enabled() ? ", SIP tls " + config.sipHost() + ":" + config.tls().port() : "")
                    + ", gRPC " + config.grpcHost() + ":" + plane.grpcPort()
                    + ", RTP " + config.rtpPortMin() + "-" + config.rtpPortMax()
                    + ", health http://" + config.observeHost() + ":" + plane.observePort() + "/health");
        });
    }
}
