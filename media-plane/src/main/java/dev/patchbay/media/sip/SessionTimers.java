package dev.patchbay.media.sip;

import java.text.ParseException;
import java.util.ListIterator;
import java.util.Locale;

import javax.sip.header.Header;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * RFC 4028 session timers, the simple way round: when the caller supports timers, Patchbay accepts
 * its interval and leaves the refreshing to it (refresher=uac), then hangs up a call whose refresh
 * never comes. Callers without timer support get no Session-Expires, as if Patchbay had none.
 */
final class SessionTimers {

    private SessionTimers() {
    }

    /** The Session-Expires interval requested, in seconds, or -1 if there is none. */
    static int requested(Request request) throws ParseException {
        Header h = request.getHeader("Session-Expires");
        if (h == null) {
            h = request.getHeader("x");
        }
        if (h == null) {
            return -1;
        }
        String value = value(h);
        int semi = value.indexOf(';');
        try {
            return Integer.parseInt((semi < 0 ? value : value.substring(0, semi)).strip());
        } catch (NumberFormatException e) {
            throw new ParseException("malformed Session-Expires '" + value + "'", 0);
        }
    }

    /** Whether the request says "Supported: timer" (or requires it). */
    static boolean callerSupports(Request request) {
        return lists(request, "Supported", "timer") || lists(request, "k", "timer") || lists(request, "Require", "timer");
    }

    /** Adds our side of the negotiation to a 2xx. */
    static void accept(Response ok, int seconds, SipTools sip) throws ParseException {
        ok.addHeader(sip.headers.createHeader("Session-Expires", seconds + ";refresher=uac"));
        ok.addHeader(sip.headers.createHeader("Require", "timer"));
    }

    /** When to give up on a refresh: RFC 4028 section 10, the interval less min(32 s, a third of it). */
    static long deadlineMillis(int seconds) {
        return (seconds - Math.min(32, seconds / 3)) * 1000L;
    }

    private static boolean lists(Message m, String name, String token) {
        for (ListIterator<?> it = m.getHeaders(name); it.hasNext(); ) {
            for (String part : value((Header) it.next()).split(",")) {
                if (part.strip().toLowerCase(Locale.ROOT).equals(token)) {
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
