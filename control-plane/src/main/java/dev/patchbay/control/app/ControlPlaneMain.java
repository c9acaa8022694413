package dev.patchbay.control.app;

import java.util.logging.Logger;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import dev.patchbay.startup.Settings;
import dev.patchbay.startup.Startup;

/** Starts the control-plane with application.yaml overridden by environment and system properties. */
public final class ControlPlaneMain {

    private static final Logger LOG = Logger.getLogger(ControlPlaneMain.class.getName());

    private static final String RESTRICTED_HEADERS = "jdk.httpclient.allowRestrictedHeaders";

    private ControlPlaneMain() {
    }

    public static void main(String[] args) {
        // Ameyo's notification API wants its own Host header, which the JDK HTTP client refuses unless this
        // is set before the client's first use; main is the one place that runs early enough.
        if (System.getProperty(RESTRICTED_HEADERS) == null) {
            System.setProperty(RESTRICTED_HEADERS, "host");
        }
        Startup.run(ControlPlaneMain.class, "control-plane", () -> {
            Config config = Settings.load(ConfigSources.classpath("application.yaml").build());
            ControlConfig settings = Settings.read(() -> ControlConfig.from(config));
            ControlPlane plane = ControlPlane.start(config);
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(plane::close));
            // "ready" is what operators and the bench start traffic on: it waits for a warm set-up path.
            plane.warmUp(Settings.read(() -> WarmupConfig.from(config)));
            LOG.info(() -> "control-plane ready on http://" + settings.host() + ":" + plane.port()
                    + ", media nodes " + settings.mediaNodes());
        });
    }
}
