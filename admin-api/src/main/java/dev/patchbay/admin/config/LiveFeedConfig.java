package dev.patchbay.admin.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;

import dev.patchbay.startup.StartupException;
import io.helidon.config.Config;

/**
 * The live-calls stream ({@code GET /v1/live-calls/stream}), read from {@code patchbay.admin.live.*};
 * the defaults live only in application.yaml.
 *
 * @param interval      how often a snapshot is pushed, and how often the media nodes are asked ({@code .interval})
 * @param statsDeadline how long one round of CallStats RPCs may take; a node slower than this shows no figures
 *                      for that snapshot ({@code .stats-deadline})
 * @param clientBuffer  snapshots queued for one client before it counts as too slow and is dropped
 *                      ({@code .client-buffer})
 * @param baseDelayMs   the delay the gateway adds itself (packetisation, jitter buffer) in the MOS estimate,
 *                      as the agents API's {@code patchbay.agents.quality.base-delay-ms} ({@code .base-delay-ms})
 */
public record LiveFeedConfig(Duration interval, Duration statsDeadline, int clientBuffer, double baseDelayMs) {

    public static LiveFeedConfig from(Config root) {
        Config c = root.get("patchbay.admin.live");
        Duration interval = duration(c, "interval", Duration.ofMillis(100), Duration.ofSeconds(10));
        Duration deadline = duration(c, "stats-deadline", Duration.ofMillis(10), interval);
        int buffer = c.get("client-buffer").asInt().get();
        if (buffer < 1 || buffer > 100) {
            throw new StartupException("patchbay.admin.live.client-buffer is " + buffer
                    + ": set it (env PATCHBAY_ADMIN_LIVE_CLIENT_BUFFER) to 1-100 snapshots");
        }
        double base = c.get("base-delay-ms").asDouble().get();
        if (base < 0 || base > 1000) {
            throw new StartupException("patchbay.admin.live.base-delay-ms is " + base
                    + ": set it (env PATCHBAY_ADMIN_LIVE_BASE_DELAY_MS) to 0-1000");
        }
        return new LiveFeedConfig(interval, deadline, buffer, base);
    }

    private static Duration duration(Config c, String key, Duration min, Duration max) {
        String text = c.get(key).asString().get();
        try {
            Duration d = Duration.parse(text.strip());
            if (d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // Reported below with the remedy.
        }
        throw new StartupException("patchbay.admin.live." + key + " is '" + text + "': set it (env "
                + AdminConfig.envName("patchbay.admin.live." + key).replace('-', '_') + ") to an ISO-8601 duration from "
                + min + " to " + max);
    }
}
