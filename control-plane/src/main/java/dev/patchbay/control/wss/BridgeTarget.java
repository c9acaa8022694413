package dev.patchbay.control.wss;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how to bridge one answered call to a bot's WebSocket.
 *
 * @param callId           Patchbay's call id (Twilio's callSid, jambonz's callSid, Plivo's callId)
 * @param attachToken      the call's Audio attach token from CallOffered
 * @param url              the bot's ws:// or wss:// URL
 * @param dialect          "twilio" (default when blank), "jambonz" or "plivo"
 * @param sampleRate       8000 or 16000; Twilio is always 8 kHz mu-law and ignores it
 * @param customParameters passed to the bot in the start message (Twilio customParameters, Plivo extra_headers,
 *                         merged into jambonz's first frame)
 * @param accountId        the workspace id (Twilio accountSid, Plivo accountId, jambonz accountSid)
 * @param from             the caller
 * @param to               the called number
 * @param connectTimeout   how long the first connect may take before the call is hung up
 * @param reconnectGrace   how long a dropped socket may take to come back before the call is hung up
 * @param farEnd           who ends the call once the bot is done, and whether the bot may send SIP INFO
 */
public record BridgeTarget(String callId, String attachToken, URI url, String dialect, int sampleRate,
                           Map<String, String> customParameters, String accountId, String from, String to,
                           Duration connectTimeout, Duration reconnectGrace, FarEnd farEnd) {

    /** Who sends the BYE once the bot is done. */
    public enum Ending {
        /** Patchbay hangs up when the bot asks to or closes its socket (Twilio's behaviour). */
        GATEWAY,
        /** The far end always does (Ameyo): a finished bot is handed back and the call is kept up. */
        FAR_END,
        /** The far end does once the bot's final INFO was accepted (RingCX); before that, as GATEWAY. */
        FAR_END_AFTER_FINAL
    }

    /**
     * @param infoMaxBytes the largest INFO body the bot may send; 0 when this call takes no INFO
     */
    public record FarEnd(Ending ending, int infoMaxBytes) {
        public static final FarEnd GATEWAY = new FarEnd(Ending.GATEWAY, 0);

        public FarEnd {
            java.util.Objects.requireNonNull(ending, "ending");
            if (infoMaxBytes < 0) {
                throw new IllegalArgumentException("infoMaxBytes must not be negative");
            }
        }
    }

    /** A bridge on which Patchbay ends the call, without SIP INFO. */
    public BridgeTarget(String callId, String attachToken, URI url, String dialect, int sampleRate,
                        Map<String, String> customParameters, String accountId, String from, String to,
                        Duration connectTimeout, Duration reconnectGrace) {
        this(callId, attachToken, url, dialect, sampleRate, customParameters, accountId, from, to, connectTimeout,
                reconnectGrace, FarEnd.GATEWAY);
    }

    public BridgeTarget {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(attachToken, "attachToken");
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("bot URL " + url + " for call " + callId + " must be ws:// or wss://");
        }
        if (sampleRate != 8000 && sampleRate != 16000) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " for call " + callId + " must be 8000 or 16000");
        }
        dialect = dialect == null || dialect.isBlank() ? "twilio" : dialect.strip().toLowerCase(java.util.Locale.ROOT);
        // The caller's order is kept, so the bot sees the parameters as they were configured.
        customParameters = customParameters == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(customParameters));
        accountId = accountId == null ? "" : accountId;
        from = from == null ? "" : from;
        to = to == null ? "" : to;
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(reconnectGrace, "reconnectGrace");
        farEnd = farEnd == null ? FarEnd.GATEWAY : farEnd;
    }
}
