package dev.patchbay.media.sip;

import java.text.ParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Requests Patchbay sends inside an established call (BYE, INFO), and the tracking of their final
 * responses. jain-sip sends them over the dialog's own connection, so on TCP they go back over the
 * connection the caller opened.
 */
final class DialogRequests {

    private static final Logger LOG = Logger.getLogger(DialogRequests.class.getName());

    private final SipTools sip;
    private final ConcurrentHashMap<ClientTransaction, CompletableFuture<Integer>> pending = new ConcurrentHashMap<>();
    private volatile SipProvider provider;

    DialogRequests(SipTools sip) {
        this.sip = sip;
    }

    void provider(SipProvider provider) {
        this.provider = provider;
    }

    /** Sends BYE; the call is already over for Patchbay, so the answer is only logged. */
    void bye(Dialog dialog, String reason) {
        bye(dialog, 200, reason);
    }

    /** Sends BYE whose Reason carries {@code status}, e.g. 488 when the ACK's answer was unacceptable. */
    void bye(Dialog dialog, int status, String reason) {
        try {
            Request bye = dialog.createRequest(Request.BYE);
            if (reason != null && !reason.isEmpty()) {
                bye.addHeader(sip.headers.createReasonHeader("SIP", status, SipTools.sanitize(reason)));
            }
            ClientTransaction ct = provider.getNewClientTransaction(bye);
            dialog.sendRequest(ct);
        } catch (SipException | ParseException | InvalidArgumentException e) {
            LOG.log(Level.INFO, "could not send BYE: " + e.getMessage());
        }
    }

    /** Sends INFO with a body; completes with the final status, 408 on timeout, 500 if it could not be sent. */
    CompletableFuture<Integer> info(Dialog dialog, String type, String subtype, byte[] body) {
        return send(dialog, Request.INFO, r -> r.setContent(body, sip.headers.createContentTypeHeader(type, subtype)));
    }

    /** Sends REFER for a blind transfer; completes with REFER's own final status (202 when accepted). */
    CompletableFuture<Integer> refer(Dialog dialog, String target, ContactHeader referredBy) {
        return send(dialog, Request.REFER, r -> {
            r.addHeader(sip.headers.createReferToHeader(sip.addresses.createAddress(target)));
            r.addHeader(sip.headers.createHeader("Referred-By", referredBy.getAddress().toString()));
        });
    }

    /** Something to add to a request before it goes. */
    private interface Filler {
        void fill(Request request) throws ParseException;
    }

    private CompletableFuture<Integer> send(Dialog dialog, String method, Filler filler) {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        try {
            Request request = dialog.createRequest(method);
            filler.fill(request);
            ClientTransaction ct = provider.getNewClientTransaction(request);
            pending.put(ct, status);
            dialog.sendRequest(ct);
        } catch (SipException | ParseException e) {
            LOG.info(() -> "could not send " + method + ": " + e.getMessage());
            status.complete(Response.SERVER_INTERNAL_ERROR);
        }
        return status;
    }

    void onResponse(ResponseEvent event) {
        int code = event.getResponse().getStatusCode();
        if (code >= 200 && event.getClientTransaction() != null) {
            CompletableFuture<Integer> status = pending.remove(event.getClientTransaction());
            if (status != null) {
                status.complete(code);
            }
        }
    }

    void onTimeout(TimeoutEvent event) {
        if (!event.isServerTransaction()) {
            CompletableFuture<Integer> status = pending.remove(event.getClientTransaction());
            if (status != null) {
                status.complete(Response.REQUEST_TIMEOUT);
            }
        }
    }
}
