package dev.patchbay.media.sip;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;

import java.util.Arrays;
import java.util.Locale;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallState;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;

/** The requests inside a call besides INVITE, ACK and PRACK: BYE, CANCEL, INFO, NOTIFY (of our REFER) and UPDATE. */
final class InCallRequests {

    private final SipTools sip;
    private final CallManager calls;
    private final ServerTransactions server;
    private final Transfers transfers;
    private final ReInvites reInvites;
    private final FlowRouter.Flows flows;

    InCallRequests(SipTools sip, CallManager calls, ServerTransactions server, Transfers transfers, ReInvites reInvites,
                   FlowRouter.Flows flows) {
        this.sip = sip;
        this.calls = calls;
        this.server = server;
        this.transfers = transfers;
        this.reInvites = reInvites;
        this.flows = flows;
    }

    /** UPDATE in a call: a session refresh, or an offer, handled like a re-INVITE. */
    void onUpdate(RequestEvent event) throws ParseException, InvalidArgumentException {
        ServerTransaction tx = server.transaction(event);
        if (tx != null) {
            reInvites.handle(server.callOf(event.getRequest()), event.getRequest(), tx);
        }
    }

    void onBye(RequestEvent event) throws ParseException {
        Call call = server.acceptInCall(event);
        if (call != null) {
            transfers.callEnded(call);
            calls.end(call, HangupCause.CALLER_BYE, 200, "caller hung up");
            flows.remove(call.sipCallId());
        }
    }

    /**
     * INFO inside a call. DTMF bodies (application/dtmf-relay, application/dtmf) are reported like
     * RFC 4733 digits; JSON bodies go to the control-plane as an event; others are refused with 415
     * naming what is accepted, rather than acknowledged and ignored.
     */
    void onInfo(RequestEvent event) throws ParseException {
        Request info = event.getRequest();
        ContentTypeHeader type = (ContentTypeHeader) info.getHeader(ContentTypeHeader.NAME);
        String subtype = type == null ? "" : type.getContentSubType().toLowerCase(Locale.ROOT);
        boolean application = type != null && "application".equalsIgnoreCase(type.getContentType());
        boolean dtmf = application && (subtype.equals("dtmf-relay") || subtype.equals("dtmf"));
        boolean json = application && subtype.equals("json");
        byte[] raw = info.getRawContent();
        if (type != null && !dtmf && !json) {
            ServerTransaction tx = server.transaction(event);
            if (tx != null) {
                Response r = sip.response(Response.UNSUPPORTED_MEDIA_TYPE, info, null,
                        "INFO bodies accepted: application/dtmf-relay, application/dtmf, application/json");
                r.addHeader(sip.headers.createAcceptHeader("application", "dtmf-relay"));
                SipTools.send(tx, r);
            }
            return;
        }
        Call call = server.acceptInCall(event);
        if (call == null || raw == null) {
            return;
        }
        if (json) {
            calls.infoReceived(call, "application/json", Arrays.copyOf(raw, Math.min(raw.length, 8192)));
            return;
        }
        DtmfRelay.Key key = DtmfRelay.parse(subtype, new String(raw, StandardCharsets.UTF_8));
        if (key != null && call.media() != null) {
            call.media().signalledDigit(key.digit(), key.durationMs(), DtmfSource.SIP_INFO);
        }
    }

    void onCancel(RequestEvent event) throws ParseException {
        Call call = server.acceptInCall(event);
        if (call == null) {
            return;
        }
        SipLeg leg = call.sipContext();
        if (!call.state().answered() && !(call.state() instanceof CallState.Ended)) {
            SipTools.send(leg.inviteTransaction, sip.response(Response.REQUEST_TERMINATED, leg.invite, leg.toTag, "caller cancelled"));
            calls.end(call, HangupCause.CALLER_CANCEL, 487, "caller cancelled before answer");
            flows.remove(call.sipCallId());
        }
    }

    void onNotify(RequestEvent event) throws ParseException {
        ServerTransaction tx = server.transaction(event);
        if (tx != null) {
            transfers.onNotify(event, tx, server.callOf(event.getRequest()));
        }
    }
}
