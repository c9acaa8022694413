package dev.patchbay.media.sip;

import java.util.ListIterator;

import javax.sip.header.Header;
import javax.sip.message.Request;

/** Option tags (RFC 3261 section 19.2) a request lists; the 420 for missing ones is {@link RequestValidator}'s. */
final class OptionTags {

    private OptionTags() {
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
