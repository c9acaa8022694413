package dev.patchbay.rest;

import java.util.Map;

/**
 * Headers a filter wants on the response whatever the handler does. Helidon resets a response
 * before its error handlers run, so a filter registers them in the request context and the
 * problem handlers of {@link Problems} add them back (rate-limit counters on a 404, say).
 */
public record StickyHeaders(Map<String, String> headers) {

    public StickyHeaders {
        headers = Map.copyOf(headers);
    }
}
