package dev.patchbay.agents.transcripts;

import java.time.Duration;

import dev.patchbay.control.app.ControlConfig;
import dev.patchbay.control.delivery.ConfigDurations;
import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * {@code patchbay.agents.transcripts} in application.yaml.
 *
 * @param streamTokenTtl  how long the token in a websocket_url may be used to connect
 * @param subscriberQueue messages a stream subscriber may have unread before it is dropped
 * @param maxSegments     segments one POST may carry
 */
public record TranscriptsConfig(Duration streamTokenTtl, int subscriberQueue, int maxSegments) {

    /** The shipped application.yaml alone (the control-plane's, the process this API is mounted in). */
    public static TranscriptsConfig defaults() {
        return from(ShippedDefaults.root(ControlConfig.class));
    }

    /** Every key must be set; the shipped application.yaml sets them all. */
    public static TranscriptsConfig from(Config root) {
        String p = "patchbay.agents.transcripts.";
        return new TranscriptsConfig(ConfigDurations.require(root, p + "stream-token-ttl"),
                ConfigDurations.requirePositiveInt(root, p + "subscriber-queue"),
                ConfigDurations.requirePositiveInt(root, p + "max-segments"));
    }
}
