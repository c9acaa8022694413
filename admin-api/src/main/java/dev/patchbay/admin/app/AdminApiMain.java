package dev.patchbay.admin.app;

import dev.patchbay.admin.config.StartupException;
import java.util.logging.Logger;

import io.helidon.logging.common.LogConfig;

/** Starts the admin-api with application.yaml overridden by environment variables and system properties. */
public final class AdminApiMain {

    private static final Logger LOG = Logger.getLogger(AdminApiMain.class.getName());

    private AdminApiMain() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        AdminApi api;
        try {
            api = AdminApi.start(AdminApi.config());
        } catch (StartupException e) {
            LOG.severe(e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("admin-api-shutdown").unstarted(api::close));
    }
}
