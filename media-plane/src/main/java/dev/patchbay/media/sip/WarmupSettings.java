package dev.patchbay.media.sip;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * The start-up rehearsal of the INVITE path ({@code patchbay.sip.warmup.*}): how many loopback INVITEs,
 * how many at once, and how long it may hold up readiness at most.
 *
 * @param invites  rehearsed INVITEs; 0 turns the rehearsal off
 * @param inFlight INVITEs outstanding at once, so several SIP threads compile the path together
 * @param budget   the longest the rehearsal may take; readiness follows whatever it got done by then
 */
public record WarmupSettings(int invites, int inFlight, Duration budget) {

    public WarmupSettings {
        if (invites < 0 || inFlight < 1 || budget.isNegative()) {
            throw new IllegalArgumentException("patchbay.sip.warmup.invites must be 0 or more, .in-flight 1 or more and "
                    + ".budget not negative, got " + invites + ", " + inFlight + ", " + budget);
        }
    }

    /** What a rehearsal got done: INVITEs sent, those that got their final response, and its time. */
    public record Report(int sent, int answered, long millis) {
        public static final Report NONE = new Report(0, 0, 0);
    }

    /** Reads {@code patchbay.sip.warmup.*}. */
    public static WarmupSettings from(Config patchbay) {
        Config w = patchbay.get("sip.warmup");
        return new WarmupSettings(w.get("invites").asInt().get(), w.get("in-flight").asInt().get(),
                w.get("budget").as(Duration.class).get());
    }

    public boolean enabled() {
        return invites > 0 && !budget.isZero();
    }

    /** The same settings with another number of INVITEs; 0 turns the rehearsal off. */
    public WarmupSettings withInvites(int count) {
        return new WarmupSettings(count, inFlight, budget);
    }
}
