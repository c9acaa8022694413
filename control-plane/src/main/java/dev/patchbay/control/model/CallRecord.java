package dev.patchbay.control.model;

import java.time.Duration;
import java.time.Instant;

/**
 * A call as stored. Optional values are null; times are UTC.
 *
 * @param sipCallId the caller's SIP Call-ID of an inbound call, cut to {@link #SIP_CALL_ID_MAX} characters
 *                  (the column's width); null for outbound calls
 */
public record CallRecord(String id, String workspaceId, String botId, Direction direction, CallStatus status,
                         String from, String to, String toRaw, String mediaNode, String attachToken,
                         Stream stream, String callbackUrl, String hangupCause, Integer sipStatus, String reason,
                         String recordingUrl, Instant createdAt, Instant answeredAt, Instant endedAt,
                         String sipCallId) {

    /** The width of {@code calls.sip_call_id} (V2); RFC 3261 sets no bound on a Call-ID. */
    public static final int SIP_CALL_ID_MAX = 256;

    public CallRecord {
        if (sipCallId != null && sipCallId.length() > SIP_CALL_ID_MAX) {
            sipCallId = sipCallId.substring(0, SIP_CALL_ID_MAX);
        } else if (sipCallId != null && sipCallId.isEmpty()) {
            sipCallId = null;
        }
    }

    /** A call without a SIP Call-ID: outbound, or not from a SIP INVITE. */
    public CallRecord(String id, String workspaceId, String botId, Direction direction, CallStatus status,
                      String from, String to, String toRaw, String mediaNode, String attachToken,
                      Stream stream, String callbackUrl, String hangupCause, Integer sipStatus, String reason,
                      String recordingUrl, Instant createdAt, Instant answeredAt, Instant endedAt) {
        this(id, workspaceId, botId, direction, status, from, to, toRaw, mediaNode, attachToken, stream, callbackUrl,
                hangupCause, sipStatus, reason, recordingUrl, createdAt, answeredAt, endedAt, null);
    }

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
