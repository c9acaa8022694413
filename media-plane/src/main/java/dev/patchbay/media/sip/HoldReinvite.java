package dev.patchbay.media.sip;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.sdp.AnswerWriter;
import dev.patchbay.media.sdp.Direction;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.sdp.Negotiator;
import dev.patchbay.media.sdp.SdpException;
import dev.patchbay.media.sdp.SdpParser;

/**
 * Hold and resume by re-INVITE (RFC 3264 section 8.4, RFC 6337): the call's codecs at their payload
 * types, a=sendonly or a=sendrecv (inactive or recvonly while the far end holds us), the o= version
 * one up. The 2xx is ACKed and its answer applied
 * to the media, so the direction the far end chose is what Patchbay then does. A non-2xx leaves
 * the session as it was (RFC 3261 section 14.1).
 */
final class HoldReinvite {

    private static final Logger LOG = Logger.getLogger(HoldReinvite.class.getName());

    private record Pending(Call call, SipLeg leg, String offer, CompletableFuture<Integer> status) {
    }

    private final SipTools sip;
    private final ConcurrentHashMap<ClientTransaction, Pending> pending = new ConcurrentHashMap<>();
    private volatile SipProvider provider;

    HoldReinvite(SipTools sip) {
        this.sip = sip;
    }

    void provider(SipProvider provider) {
        this.provider = provider;
    }

    CompletableFuture<Integer> send(Call call, boolean hold) {
        SipLeg leg = call.sipContext();
        Dialog dialog = leg.dialog;
        if (dialog == null || leg.answerSdp == null || call.media() == null) {
            return CompletableFuture.completedFuture(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
        }
        if (!leg.reinviting.compareAndSet(false, true)) {
            return CompletableFuture.failedFuture(new IllegalStateException("a re-INVITE of call " + call.id()
                    + " is still waiting for its answer (SIP 491 Request Pending); retry once it completes"));
        }
        CompletableFuture<Integer> status = new CompletableFuture<>();
        try {
            Negotiated n = call.negotiated();
            long[] origin = ReInvites.origin(leg.answerSdp);
            String offer = AnswerWriter.write(new Negotiated(n.audio(), n.telephoneEvent(), n.remoteAddress(), n.remotePort(),
                    n.callerPtimeMs(), direction(hold, leg.farEndHolds), n.srtp()),
                    call.localAddress(), call.media().localPort(), origin[0], origin[1] + 1);
            Request invite = dialog.createRequest(Request.INVITE);
            invite.setHeader(leg.contact);
            invite.setContent(offer, sip.headers.createContentTypeHeader("application", "sdp"));
            ClientTransaction ct = provider.getNewClientTransaction(invite);
            pending.put(ct, new Pending(call, leg, offer, status));
            dialog.sendRequest(ct);
        } catch (SipException | ParseException e) {
            leg.reinviting.set(false);
            LOG.info(() -> "could not send the " + (hold ? "hold" : "resume") + " re-INVITE of " + call + ": " + e.getMessage());
            status.complete(Response.SERVER_INTERNAL_ERROR);
        }
        return status;
    }

    /** RFC 6337 section 5.3: while the far end holds us we may only receive, so holding it too is inactive. */
    static Direction direction(boolean hold, boolean farEndHolds) {
        if (hold) {
            return farEndHolds ? Direction.INACTIVE : Direction.SENDONLY;
        }
        return farEndHolds ? Direction.RECVONLY : Direction.SENDRECV;
    }

    void onResponse(ResponseEvent event) {
        Response response = event.getResponse();
        int code = response.getStatusCode();
        Pending p = code < 200 || event.getClientTransaction() == null ? null : pending.remove(event.getClientTransaction());
        if (p == null) {
            return;
        }
        if (code < 300) {
            try {
                Dialog dialog = p.leg().dialog;
                dialog.sendAck(dialog.createAck(((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getSeqNumber()));
            } catch (SipException | InvalidArgumentException e) {
                LOG.info(() -> "could not ACK the re-INVITE of " + p.call() + ": " + e.getMessage());
            }
            p.leg().answerSdp = p.offer();
            apply(p.call(), response.getRawContent());
        }
        p.leg().reinviting.set(false);
        p.status().complete(code);
    }

    /** Gives the media the answer's direction (and address, should it have moved). */
    private static void apply(Call call, byte[] body) {
        if (body == null || body.length == 0 || call.media() == null) {
            return; // a 2xx without SDP changes nothing we can act on
        }
        try {
            // An answer is read as if it were an offer: Negotiator turns its recvonly into our sendonly.
            Negotiated a = Negotiator.answer(SdpParser.parseAudio(new String(body, StandardCharsets.UTF_8)));
            // Keep the call's SRTP keys: reading the answer as an offer would make up new local ones.
            call.media().renegotiate(new Negotiated(a.audio(), a.telephoneEvent(), a.remoteAddress(), a.remotePort(),
                    a.callerPtimeMs(), a.direction(), call.negotiated().srtp()));
        } catch (SdpException e) {
            LOG.info(() -> "the re-INVITE answer of " + call + " is unusable, media unchanged: " + e.getMessage());
        }
    }

    void onTimeout(TimeoutEvent event) {
        if (!event.isServerTransaction()) {
            Pending p = pending.remove(event.getClientTransaction());
            if (p != null) {
                p.leg().reinviting.set(false);
                p.status().complete(Response.REQUEST_TIMEOUT);
            }
        }
    }
}
