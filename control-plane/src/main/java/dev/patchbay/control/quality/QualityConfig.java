package dev.patchbay.control.quality;

import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * How call quality is estimated ({@code patchbay.quality}), for every call's record and for the agents API alike.
 *
 * @param baseDelayMs the one-way delay the gateway itself adds (20 ms packets and the jitter buffer), the E-model's
 *                    delay term
 */
public record QualityConfig(double baseDelayMs) {

    /** The shipped application.yaml alone. */
    public static QualityConfig defaults() {
        return from(ShippedDefaults.root(QualityConfig.class));
    }

    public static QualityConfig from(Config root) {
        return new QualityConfig(root.get("patchbay.quality.base-delay-ms").asDouble().get());
    }

    /** The figures for a call's counters under this setting. */
    public CallQuality of(RtpStats stats) {
        return CallQuality.of(stats, baseDelayMs);
    }
}
