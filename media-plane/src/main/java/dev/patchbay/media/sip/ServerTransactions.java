package dev.patchbay.media.sip;

import java.text.ParseException;
import java.util.logging.Logger;

import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.header.CallIdHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;

/** The server transaction of an incoming request, and the call it belongs to; shared by the handlers of each method. */
final class ServerTransactions {

    private static final Logger LOG = Logger.getLogger(ServerTransactions.class.getName());

    private final SipTools sip;
    private final CallManager calls;
    private volatile SipProvider provider;

    ServerTransactions(SipTools sip, CallManager calls) {
        this.sip = sip;
        this.calls = calls;
    }

    void provider(SipProvider provider) {
        this.provider = provider;
    }

    /** Answers a request about an existing call with 200, or 481 when there is no such call. */
    Call acceptInCall(RequestEvent event) throws ParseException {
        ServerTransaction tx = transaction(event);
        if (tx == null) {
            return null;
        }
        Call call = callOf(event.getRequest());
        SipTools.send(tx, call == null
                ? sip.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, event.getRequest(), null, "no such call")
                : sip.response(Response.OK, event.getRequest(), null, null));
        return call;
    }

    ServerTransaction transaction(RequestEvent event) {
        ServerTransaction tx = event.getServerTransaction();
        if (tx != null) {
            return tx;
        }
        try {
            return provider.getNewServerTransaction(event.getRequest());
        } catch (TransactionAlreadyExistsException e) {
            return null;
        } catch (SipException e) {
            LOG.fine(() -> "no transaction for " + event.getRequest().getMethod() + ": " + e.getMessage());
            return null;
        }
    }

    Call callOf(Request request) {
        CallIdHeader id = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        return id == null ? null : calls.bySipCallId(id.getCallId()).orElse(null);
    }
}
