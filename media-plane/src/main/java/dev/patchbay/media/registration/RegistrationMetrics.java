package dev.patchbay.media.registration;

import java.util.List;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The REGISTER client's meters, read from the keeper only when Prometheus scrapes. */
public final class RegistrationMetrics {

    /** The outcome tags of {@code patchbay.register.responses}. */
    static final List<String> OUTCOMES = List.of("registered", "rejected", "too_brief", "unreachable");

    private RegistrationMetrics() {
    }

    public static void register(MeterRegistry registry, RegistrationKeeper keeper) {
        for (RegistrationState state : RegistrationState.values()) {
            Gauge.builder("patchbay.registrations", keeper, k -> k.counts().getOrDefault(state, 0))
                    .description("Trunk registrations this media node holds, by state.").tag("state", state.wire())
                    .register(registry);
        }
        for (String outcome : OUTCOMES) {
            FunctionCounter.builder("patchbay.register.responses", keeper, k -> k.outcomes(outcome))
                    .description("Final answers to this node's REGISTER requests (after any digest challenge), by outcome.")
                    .tag("outcome", outcome).register(registry);
        }
    }
}
