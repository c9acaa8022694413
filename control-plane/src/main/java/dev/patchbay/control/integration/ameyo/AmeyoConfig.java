package dev.patchbay.control.integration.ameyo;

import java.time.Duration;
import java.util.Locale;

import dev.patchbay.control.delivery.ConfigDurations;
import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * {@code patchbay.ameyo.*}; defaults live only in application.yaml.
 *
 * @param onNotificationFailure what happens to a handed-back call whose notification the outbox gave up on
 * @param sweepInterval         how often each replica looks for BYE timers that are due or notifications that settled
 */
public record AmeyoConfig(OnFailure onNotificationFailure, Duration sweepInterval) {

    /** Ameyo will send no BYE for a call it never heard of: Patchbay must end the wait one way or the other. */
    public enum OnFailure {
        /** Hang up: the caller reaches no agent, but no call is left waiting for a BYE that cannot come. */
        HANG_UP("hang-up"),
        /** Connect the call's bot again; when it hands back once more, Ameyo is notified afresh. */
        BOT("bot");

        private final String wire;

        OnFailure(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static OnFailure parse(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            for (OnFailure f : values()) {
                if (f.wire.equals(v)) {
                    return f;
                }
            }
            throw new IllegalStateException("patchbay.ameyo.on-notification-failure is '" + value + "'; set hang-up or bot");
        }
    }

    /** The shipped application.yaml alone, without environment or system properties. */
    public static AmeyoConfig defaults() {
        return from(ShippedDefaults.root(AmeyoConfig.class));
    }

    /** Reads every setting; defaults live only in application.yaml. */
    public static AmeyoConfig from(Config root) {
        OnFailure onFailure = OnFailure.parse(root.get("patchbay.ameyo.on-notification-failure").asString().get());
        Duration sweep = ConfigDurations.require(root, "patchbay.ameyo.sweep-interval");
        if (sweep.isNegative() || sweep.isZero()) {
            throw new IllegalStateException("patchbay.ameyo.sweep-interval must be positive, e.g. PT1S");
        }
        return new AmeyoConfig(onFailure, sweep);
    }

    public AmeyoConfig withOnNotificationFailure(OnFailure onNotificationFailure) {
        return new AmeyoConfig(onNotificationFailure, sweepInterval);
    }

    public AmeyoConfig withSweepInterval(Duration sweepInterval) {
        return new AmeyoConfig(onNotificationFailure, sweepInterval);
    }
}
