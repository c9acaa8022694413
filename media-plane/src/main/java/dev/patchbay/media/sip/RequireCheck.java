package dev.patchbay.media.sip;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Set;

import javax.sip.header.Header;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * RFC 3261 section 8.2.2.3: a request whose Require lists an extension Patchbay lacks gets 420 Bad
 * Extension with an Unsupported header naming exactly those. ACK and CANCEL are never refused for
 * it (their Require is ignored), and a Proxy-Require is not a UAS's business.
 */
final class RequireCheck {

    /** What Patchbay implements: reliable provisionals (RFC 3262) and session timers (RFC 4028). */
    static final Set<String> SUPPORTED = Set.of("100rel", "timer");
    private static final Set<String> HANDLED = Set.of(SipTools.ALLOW.split(", "));

    private RequireCheck() {
    }

    /** The 420 to send for {@code request}, or null when it requires nothing Patchbay lacks. */
    static Response refusal(SipTools sip, Request request) throws ParseException {
        String method = request.getMethod();
        if (Request.ACK.equals(method) || Request.CANCEL.equals(method) || !HANDLED.contains(method)) {
            return null; // an unknown method gets its 405 first (RFC 3261 8.2.1 comes before 8.2.2.3)
        }
        List<String> unsupported = unsupported(request);
        if (unsupported.isEmpty()) {
            return null;
        }
        Response r = sip.response(Response.BAD_EXTENSION, request, null,
                "unsupported extension" + (unsupported.size() > 1 ? "s " : " ") + String.join(", ", unsupported));
        for (String tag : unsupported) {
            r.addHeader(sip.headers.createUnsupportedHeader(tag));
        }
        return r;
    }

    /** The option tags in Require that Patchbay lacks, in the request's order, each once. */
    static List<String> unsupported(Request request) {
        List<String> out = new ArrayList<>();
        for (ListIterator<?> it = request.getHeaders("Require"); it.hasNext(); ) {
            for (String tag : value((Header) it.next()).split(",")) {
                String t = tag.strip();
                if (!t.isEmpty() && !SUPPORTED.contains(t.toLowerCase(Locale.ROOT)) && !out.contains(t)) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** Whether {@code request} lists {@code tag} in one of the {@code header}s (Require, Supported or its short form k). */
    static boolean lists(Request request, String header, String tag) {
        for (ListIterator<?> it = request.getHeaders(header); it.hasNext(); ) {
            for (String part : value((Header) it.next()).split(",")) {
                if (part.strip().equalsIgnoreCase(tag)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String value(Header h) {
        String text = h.toString().strip();
        int colon = text.indexOf(':');
        return colon < 0 ? "" : text.substring(colon + 1).strip();
    }
}
