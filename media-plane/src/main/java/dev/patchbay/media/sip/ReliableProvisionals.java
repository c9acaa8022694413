package dev.patchbay.media.sip;

import java.text.ParseException;
import java.util.logging.Logger;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * RFC 3262 for inbound calls: a 180 or 183 goes reliably (Require: 100rel, RSeq, retransmitted by
 * jain-sip until the PRACK) when the caller's INVITE asked for 100rel in Require or Supported. The
 * 200 OK then waits for the PRACK (section 3: no 2xx while a reliable provisional is unacknowledged),
 * so an answer that comes first is held on the leg and sent by {@link #pracked}.
 */
final class ReliableProvisionals {

    private static final Logger LOG = Logger.getLogger(ReliableProvisionals.class.getName());

    private ReliableProvisionals() {
    }

    /** Whether the caller asked for reliable provisionals. */
    static boolean requested(Request invite) {
        return OptionTags.lists(invite, "Require", "100rel") || OptionTags.lists(invite, "Supported", "100rel")
                || OptionTags.lists(invite, "k", "100rel");
    }

    /**
     * Sends a 1xx (status, Contact and an optional SDP body) on the leg's INVITE, reliably when asked.
     * A reliable send that jain-sip refuses is logged and sent unreliably, so the caller still hears of it.
     */
    static void send(SipTools sip, SipLeg leg, int status, String sdp) throws ParseException {
        if (requested(leg.invite)) {
            Dialog dialog = leg.inviteTransaction.getDialog();
            try {
                Response r = dialog.createReliableProvisionalResponse(status);
                fill(sip, leg, r, sdp);
                synchronized (leg) {
                    leg.prackPending = true;
                }
                dialog.sendReliableProvisionalResponse(r);
                return;
            } catch (SipException | InvalidArgumentException | RuntimeException e) {
                synchronized (leg) {
                    leg.prackPending = false;
                }
                LOG.warning(() -> "cannot send " + status + " reliably (" + e.getMessage() + "); sending it unreliably");
            }
        }
        Response r = sip.response(status, leg.invite, leg.toTag, null);
        fill(sip, leg, r, sdp);
        SipTools.send(leg.inviteTransaction, r);
    }

    private static void fill(SipTools sip, SipLeg leg, Response r, String sdp) throws ParseException {
        ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(leg.toTag);
        r.setHeader(leg.contact);
        if (sdp != null) {
            r.setContent(sdp, sip.headers.createContentTypeHeader("application", "sdp"));
        }
    }

    /** Runs {@code ok} (the 200 OK's send) now, or after the PRACK if a reliable provisional awaits one. */
    static void whenAcknowledged(SipLeg leg, Runnable ok) {
        synchronized (leg) {
            if (leg.prackPending) {
                leg.afterPrack = ok;
                return;
            }
        }
        ok.run();
    }

    /**
     * The call ended while its 200 OK waited for a PRACK that never came: the held 200 is dropped, and
     * true says the INVITE still needs a final response (RFC 3262 section 3: a 5xx).
     */
    static boolean abandonHeld(SipLeg leg) {
        synchronized (leg) {
            boolean held = leg.afterPrack != null;
            leg.afterPrack = null;
            leg.prackPending = false;
            return held;
        }
    }

    /** The PRACK arrived (jain-sip matched its RAck): a held 200 OK goes now. */
    static void pracked(SipLeg leg) {
        Runnable ok;
        synchronized (leg) {
            leg.prackPending = false;
            ok = leg.afterPrack;
            leg.afterPrack = null;
        }
        if (ok != null) {
            ok.run();
        }
    }
}
