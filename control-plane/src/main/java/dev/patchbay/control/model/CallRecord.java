package dev.patchbay.control.model;

import java.time.Duration;
import java.time.Instant;

/** A call as stored. Optional values are null; times are UTC. */
public record CallRecord(String id, String workspaceId, String botId, Direction direction, CallStatus status,
                         String from, String to, String toRaw, String mediaNode, String attachToken,
                         Stream stream, String callbackUrl, String hangupCause, Integer sipStatus, String reason,
                         String recordingUrl, Instant createdAt, Instant answeredAt, Instant endedAt) {

    public enum Direction { INBOUND, OUTBOUND }

    /**
     * Where the call's audio goes when it is answered; null url for echo and gRPC bots.
     *
     * @param connectTimeout the bot's own WebSocket connect timeout (V12); null = the global setting
     */
    public record Stream(String url, String dialect, int sampleRate, String customParametersJson,
                         Duration connectTimeout) {
        public static final Stream NONE = new Stream(null, null, 0, null);

        public Stream(String url, String dialect, int sampleRate, String customParametersJson) {
            this(url, dialect, sampleRate, customParametersJson, null);
        }
    }

    /** Whole seconds from answer to end, as Twilio bills them; 0 for a call never answered. */
    public long durationSeconds() {
        if (answeredAt == null) {
            return 0;
        }
        Instant end = endedAt == null ? Instant.now() : endedAt;
        return Math.max(0, Duration.between(answeredAt, end).toSeconds());
    }
}
