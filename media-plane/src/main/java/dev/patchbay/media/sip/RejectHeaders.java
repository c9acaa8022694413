package dev.patchbay.media.sip;

import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.header.HeaderFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.proto.media.v1.SipHeader;

/**
 * The headers an INVITE's final error response carries besides Reason: Retry-After on 503, and
 * whatever the control-plane's decision adds (a 401's WWW-Authenticate, one per digest algorithm).
 */
final class RejectHeaders {

    private static final Logger LOG = Logger.getLogger(RejectHeaders.class.getName());
    /** These belong to the transaction; a decision may not rewrite them. */
    private static final Set<String> RESERVED = Set.of("via", "v", "from", "f", "to", "t", "call-id", "i", "cseq",
            "content-length", "l", "content-type", "c");

    private RejectHeaders() {
    }

    /** Sends an INVITE's final error response with these headers; one that cannot be built is logged. */
    static void send(SipTools sip, ServerTransaction tx, Request invite, String toTag, int status, String reason,
                     List<SipHeader> extra) {
        try {
            Response r = sip.response(status, invite, toTag, reason);
            add(sip.headers, r, extra);
            SipTools.send(tx, r);
        } catch (ParseException | InvalidArgumentException e) {
            LOG.warning(() -> "cannot build " + status + ": " + e.getMessage());
        }
    }

    static void add(HeaderFactory headers, Response r, List<SipHeader> extra) throws ParseException, InvalidArgumentException {
        if (r.getStatusCode() == Response.SERVICE_UNAVAILABLE) {
            r.addHeader(headers.createRetryAfterHeader(5));
        }
        for (SipHeader h : extra) {
            String name = h.getName().strip();
            if (name.isEmpty() || RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                LOG.fine(() -> "decision header '" + name + "' ignored: it belongs to the transaction");
                continue;
            }
            r.addHeader(headers.createHeader(name, h.getValue())); // a repeat appends, in order

        }
    }
}
