package dev.patchbay.agents.transcripts;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/** Absolute URLs of this control-plane for responses: patchbay.agents.public-url, else the request's Host. */
public final class PublicUrl {

    private PublicUrl() {
    }

    /** {@code http(s)://host[:port]} without a trailing slash. */
    public static String http(ServerRequest req, String configured) {
        if (configured != null && !configured.isBlank()) {
            String c = configured.strip();
            return c.endsWith("/") ? c.substring(0, c.length() - 1) : c;
        }
        String host = req.headers().first(HeaderNames.HOST).orElse(req.localPeer().host() + ":" + req.localPeer().port());
        return (req.isSecure() ? "https://" : "http://") + host;
    }

    /** The same base with the WebSocket scheme. */
    public static String ws(ServerRequest req, String configured) {
        String http = http(req, configured);
        return http.startsWith("https://") ? "wss://" + http.substring(8) : "ws://" + http.substring(http.indexOf("://") + 3);
    }
}
