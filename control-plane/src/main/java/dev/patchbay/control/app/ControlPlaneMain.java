package dev.patchbay.control.app;

import java.util.logging.Logger;

import java.nio.file.Path;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.logging.common.LogConfig;

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
        LogConfig.configureRuntime();
        Config config = load();
        ControlConfig settings = ControlConfig.from(config);
        ControlPlane plane;
        try {
            plane = ControlPlane.start(config);
        } catch (IllegalStateException e) {
            LOG.severe(e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            // Typically the database: unreachable, wrong credentials, or a failed migration.
            LOG.severe("control-plane failed to start: " + e.getMessage()
                    + "; check patchbay.db.connection.url (env PATCHBAY_DB_CONNECTION_URL) and its credentials");
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(plane::close));
        LOG.info(() -> "control-plane ready on http://" + settings.host() + ":" + plane.port()
                + ", media nodes " + settings.mediaNodes());
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
