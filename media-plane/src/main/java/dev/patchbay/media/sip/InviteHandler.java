package dev.patchbay.media.sip;

import java.text.ParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.ThreadRandom;
import dev.patchbay.media.call.TransferOutcome;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallSignalling;
import dev.patchbay.media.call.CallState;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import gov.nist.javax.sip.message.SIPMessage;

/**
 * The INVITE dialog of inbound calls: offer, answer or reject, ACK and PRACK, and the call's signalling
 * towards the caller; the other requests inside a call are {@link InCallRequests}'.
 */
final class InviteHandler implements CallSignalling {

    private static final Logger LOG = Logger.getLogger(InviteHandler.class.getName());

    private final SipTools sip;
    private final ThreadRandom random = new ThreadRandom();
    private final CallManager calls;
    private final String advertise;
    private final String mediaNode;
    private final DialogRequests requests;
    private final Transfers transfers;
    private final ReInvites reInvites;
    private final OutboundCalls outbound;
    private final HoldReinvite holds;
    private final OfferCheck offers;
    private final LateOffer lateOffers;
    private final int minSessionExpires;
    private final FlowRouter.Flows flows;
    private final ServerTransactions server;
    private final InCallRequests inCall;
    private final Rehearsals rehearsals;

    InviteHandler(SipTools sip, CallManager calls, String advertise, String mediaNode, int minSessionExpires,
                  FlowRouter.Flows flows) {
        this.flows = flows;
        this.sip = sip;
        this.requests = new DialogRequests(sip);
        this.transfers = new Transfers(sip, requests);
        this.lateOffers = new LateOffer(calls);
        this.reInvites = new ReInvites(sip, calls, minSessionExpires, lateOffers);
        this.outbound = new OutboundCalls(sip, calls, requests, advertise);
        this.holds = new HoldReinvite(sip);
        this.offers = new OfferCheck(sip);
        this.minSessionExpires = minSessionExpires;
        this.calls = calls;
        this.advertise = advertise;
        this.mediaNode = mediaNode;
        this.server = new ServerTransactions(sip, calls);
        this.inCall = new InCallRequests(sip, calls, server, transfers, reInvites, flows);
        this.rehearsals = new Rehearsals(sip, calls, offers, advertise, mediaNode);
    }

    /** The start-up rehearsal's INVITEs, which go this way but never become calls. */
    Rehearsals rehearsals() {
        return rehearsals;
    }

    void provider(SipProvider provider) {
        server.provider(provider);
        requests.provider(provider);
        outbound.provider(provider);
        holds.provider(provider);
    }

    HoldReinvite holds() {
        return holds;
    }

    @Override
    public CompletableFuture<Integer> hold(Call call, boolean hold) {
        return holds.send(call, hold);
    }

    /** BYE, CANCEL, INFO, NOTIFY and UPDATE inside a call. */
    InCallRequests inCall() {
        return inCall;
    }

    DialogRequests requests() {
        return requests;
    }

    OutboundCalls outbound() {
        return outbound;
    }

    @Override
    public Call place(PlaceCallRequest request, Consumer<Call> beforeInvite)
            throws IllegalArgumentException {
        try {
            return outbound.place(request, beforeInvite);
        } catch (OutboundCalls.Refused e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    void onInvite(RequestEvent event) throws ParseException, InvalidArgumentException, SipException {
        Request invite = event.getRequest();
        ServerTransaction tx = server.transaction(event);
        if (tx == null) {
            return; // a retransmission of an INVITE we are already handling
        }
        String toTag = ((ToHeader) invite.getHeader(ToHeader.NAME)).getTag();
        if (toTag != null) {
            reInvites.handle(server.callOf(invite), invite, tx);
            return;
        }
        SipTools.send(tx, sip.response(Response.TRYING, invite, null, null));
        String newTag = random.tag();
        if (rehearsals.claims(invite)) {
            rehearsals.answer(tx, invite, newTag);
            return;
        }
        String refusal = calls.refusal();
        if (refusal != null) {
            RejectHeaders.send(sip, tx, invite, newTag, Response.SERVICE_UNAVAILABLE, refusal, List.of());
            return;
        }
        int interval = SessionTimers.requested(invite);
        if (reInvites.intervalTooSmall(tx, invite, newTag, interval)) {
            return;
        }

        String transport = SipTools.transportOf(invite);
        OfferCheck.Accepted accepted = offers.check(tx, invite, newTag, transport).orElse(null);
        if (accepted == null) {
            return; // refused, with the reason, by the check
        }
        SIPMessage raw = (SIPMessage) invite;
        String local = LocalAddress.of(advertise, raw);
        SipLeg leg = new SipLeg(tx, invite, newTag, sip.contact(local, transport));
        leg.sessionExpires = interval > 0 && SessionTimers.callerSupports(invite) ? interval : 0;
        String sipCallId = ((CallIdHeader) invite.getHeader(CallIdHeader.NAME)).getCallId();
        if (!"udp".equals(transport)) {
            flows.put(sipCallId, raw.getRemoteAddress().getHostAddress(), raw.getRemotePort(), transport);
        }
        Call call = calls.newCall(sipCallId, accepted.negotiated(), local, leg);
        call.offer(accepted.offer());
        calls.offer(call, OfferedEvent.of(call, invite, raw, transport, accepted.offer(), mediaNode));
    }

    void onAck(RequestEvent event) {
        Call call = server.callOf(event.getRequest());
        if (call != null && !lateOffers.onAck(call, event.getRequest())) {
            calls.acked(call);
        }
    }

    // ---- CallSignalling ---------------------------------------------------------------------------

    @Override
    public void ring(Call call) {
        provisional(call, Response.RINGING, null);
    }

    @Override
    public void progress(Call call, String sdpAnswer) {
        provisional(call, Response.SESSION_PROGRESS, sdpAnswer);
    }

    private void provisional(Call call, int status, String sdp) {
        try {
            ReliableProvisionals.send(sip, call.sipContext(), status, sdp);
        } catch (ParseException e) {
            LOG.warning(() -> "cannot build " + status + " for " + call + ": " + e.getMessage());
        }
    }

    @Override
    public void answer(Call call, String sdpAnswer) {
        SipLeg leg = call.sipContext();
        try {
            Response ok = sip.response(Response.OK, leg.invite, leg.toTag, null);
            ok.addHeader(leg.contact);
            ok.setContent(sdpAnswer, sip.headers.createContentTypeHeader("application", "sdp"));
            leg.answerSdp = sdpAnswer;
            reInvites.sessionTimer(call, leg, ok);
            ReliableProvisionals.whenAcknowledged(leg, () -> {
                if (call.state() instanceof CallState.Ended ended) { // ended while the 200 OK waited for PRACK
                    RejectHeaders.send(sip, leg.inviteTransaction, leg.invite, leg.toTag, Response.TEMPORARILY_UNAVAILABLE,
                            ended.reason(), List.of());
                    return;
                }
                SipTools.send(leg.inviteTransaction, ok);
                leg.dialog = leg.inviteTransaction.getDialog();
            });
        } catch (ParseException e) {
            calls.end(call, HangupCause.ERROR, 500, "cannot build 200 OK: " + e.getMessage());
        }
    }

    /** PRACK for a reliable 18x (jain-sip drops those whose RAck matches nothing): 200, then a held 200 OK goes. */
    void onPrack(RequestEvent event) throws ParseException {
        Call call = server.acceptInCall(event);
        if (call != null && !call.outbound()) {
            ReliableProvisionals.pracked(call.sipContext());
        }
    }

    @Override
    public void answerWithOffer(Call call, int localPort) {
        answer(call, lateOffers.initialOffer(call, call.sipContext(), localPort));
    }

    @Override
    public void reject(Call call, int status, String reason) {
        SipLeg leg = call.sipContext();
        if (leg.outbound()) {
            outbound.cancel(leg); // our own call, given up before the answer
            return;
        }
        flows.remove(call.sipCallId());
        RejectHeaders.send(sip, leg.inviteTransaction, leg.invite, leg.toTag, status, reason, call.rejectHeaders());
    }

    @Override
    public void bye(Call call, String reason) {
        transfers.callEnded(call);
        SipLeg leg = call.sipContext();
        if (!leg.outbound() && ReliableProvisionals.abandonHeld(leg)) {
            // Answered, but the 200 OK never left: it waited for a PRACK. The INVITE gets a 5xx instead of a BYE.
            RejectHeaders.send(sip, leg.inviteTransaction, leg.invite, leg.toTag, Response.SERVER_INTERNAL_ERROR,
                    "no PRACK for the reliable provisional response; " + reason, List.of());
            flows.remove(call.sipCallId());
            return;
        }
        Dialog dialog = leg.dialog;
        if (dialog == null && leg.inviteTransaction != null) {
            // answer() stores the dialog only after the 200 OK has left, and the ACK (a late offer's failed
            // answer) can be handled before that on another thread.
            dialog = leg.inviteTransaction.getDialog();
        }
        if (dialog != null) {
            // An ACK without a usable answer to our late offer: its Reason names the SDP failure (400/488).
            boolean refused = call.state() instanceof CallState.Ended e && e.cause() == HangupCause.NOT_ACCEPTABLE;
            requests.bye(dialog, refused ? ((CallState.Ended) call.state()).sipStatus() : 200, reason);
        }
        flows.remove(call.sipCallId());
    }

    @Override
    public CompletableFuture<TransferOutcome> transfer(Call call, String target) {
        SipLeg leg = call.sipContext();
        if (leg.dialog == null) {
            return CompletableFuture.completedFuture(TransferOutcome.notified(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST));
        }
        return transfers.start(call, leg, target);
    }

    @Override
    public boolean takesReplaces(Call call) {
        SipLeg leg = call.sipContext();
        return !leg.outbound() && (OptionTags.lists(leg.invite, "Supported", "replaces") || OptionTags.lists(leg.invite, "k", "replaces"))
                && OptionTags.lists(leg.invite, "Allow", "REFER");
    }

    @Override
    public CompletableFuture<TransferOutcome> transferReplacing(Call call, Call consult) {
        SipLeg leg = call.sipContext();
        String target = ReplacesTarget.of(((SipLeg) consult.sipContext()).dialog);
        if (leg.dialog == null || target == null) {
            return CompletableFuture.completedFuture(TransferOutcome.notified(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST));
        }
        return transfers.start(call, leg, target);
    }

    @Override
    public CompletableFuture<Integer> info(Call call, String contentType, byte[] body) {
        Dialog dialog = ((SipLeg) call.sipContext()).dialog;
        int slash = contentType.indexOf('/');
        if (dialog == null || slash <= 0) {
            return CompletableFuture.completedFuture(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
        }
        return requests.info(dialog, contentType.substring(0, slash), contentType.substring(slash + 1), body);
    }
}
