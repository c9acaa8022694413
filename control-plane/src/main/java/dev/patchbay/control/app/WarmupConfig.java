package dev.patchbay.control.app;

import java.time.Duration;

import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * What the control-plane does before it logs ready ({@code patchbay.control.warmup}); defaults live in
 * application.yaml.
 *
 * @param mediaWait   how long to wait for the Control stream to every configured media node; a node
 *                    still down after it is logged, and the process comes up anyway
 * @param connections database connections opened at once, to fill the pool (HikariCP's default is 10)
 * @param rounds      rehearsals of the set-up path (route, then a call row written and rolled back)
 * @param budget      the rehearsals stop after this even if rounds remain (a slow machine or database)
 */
public record WarmupConfig(Duration mediaWait, int connections, int rounds, Duration budget) {

    /** The shipped application.yaml alone, without environment or system properties. */
    public static WarmupConfig defaults() {
        return from(ShippedDefaults.root(WarmupConfig.class));
    }

    public static WarmupConfig from(Config root) {
        Config w = root.get("patchbay.control.warmup");
        return new WarmupConfig(w.get("media-wait").as(Duration.class).get(), w.get("connections").asInt().get(),
                w.get("rounds").asInt().get(), w.get("budget").as(Duration.class).get());
    }
}
