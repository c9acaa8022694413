package dev.patchbay.admin.app;

import dev.patchbay.startup.Startup;

/** Starts the admin-api with application.yaml overridden by environment variables and system properties. */
public final class AdminApiMain {

    private AdminApiMain() {
    }

    public static void main(String[] args) {
        Startup.run(AdminApiMain.class, "admin-api", () -> {
            AdminApi api = AdminApi.start(AdminApi.config());
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("admin-api-shutdown").unstarted(api::close));
        });
    }
}
