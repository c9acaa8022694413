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
 */
public record BridgeTarget(String callId, String attachToken, URI url, String dialect, int sampleRate,
                           Map<String, String> customParameters, String accountId, String from, String to,
                           Duration connectTimeout, Duration reconnectGrace) {

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
    }
}
