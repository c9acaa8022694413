package dev.patchbay.agents.transcripts;

import java.time.Duration;

import dev.patchbay.control.delivery.ConfigDurations;
import io.helidon.config.Config;

/**
 * {@code patchbay.agents.transcripts} in application.yaml.
 *
 * @param streamTokenTtl  how long the token in a websocket_url may be used to connect
 * @param subscriberQueue messages a stream subscriber may have unread before it is dropped
 * @param maxSegments     segments one POST may carry
 */
public record TranscriptsConfig(Duration streamTokenTtl, int subscriberQueue, int maxSegments) {

    public static TranscriptsConfig from(Config root) {
        String p = "patchbay.agents.transcripts.";
        return new TranscriptsConfig(ConfigDurations.get(root, p + "stream-token-ttl", Duration.ofMinutes(10)),
                ConfigDurations.positiveInt(root, p + "subscriber-queue", 256),
                ConfigDurations.positiveInt(root, p + "max-segments", 100));
    }
}
