package dev.patchbay.media.sip;

import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

import javax.sip.header.CSeqHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.ThreadRandom;
import dev.patchbay.media.sdp.AnswerCheck;
import dev.patchbay.media.sdp.AudioOffer;
import dev.patchbay.media.sdp.Direction;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.sdp.RtpFormat;
import dev.patchbay.media.sdp.OfferWriter;
import dev.patchbay.media.sdp.SdesOffer;
import dev.patchbay.media.sdp.SdpException;
import dev.patchbay.media.sdp.SdpParser;
import dev.patchbay.proto.media.v1.HangupCause;

/**
 * Late offer (RFC 3261 section 13.2.1, RFC 3264): an INVITE or re-INVITE without SDP gets our offer
 * in its 200 OK, PCMU and PCMA with telephone-event (and an SDES key over TLS), and the answer
 * must come in the ACK. An ACK without a usable answer ends the call with a BYE whose Reason says why:
 * 400 for SDP that does not parse, 488 for anything else the offer cannot be settled with.
 */
final class LateOffer {

    private static final Logger LOG = Logger.getLogger(LateOffer.class.getName());

    /**
     * Our offer, sent in the 200 OK of the INVITE with CSeq {@code cseq}, waiting for the ACK's answer.
     *
     * @param srtp    our SDES key when the offer was RTP/SAVP, else null
     * @param initial the dialog's first INVITE (media starts on the answer) rather than a re-INVITE
     */
    record Pending(long cseq, SdesOffer srtp, boolean initial, RtpFormat wide) {
    }

    /** Why an ACK's answer cannot be used, with the status its BYE's Reason carries. */
    private static final class Unusable extends Exception {
        final int status;

        Unusable(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final CallManager calls;
    private final ThreadRandom random = new ThreadRandom();

    LateOffer(CallManager calls) {
        this.calls = calls;
    }

    /** The offer for the 200 OK of a new call's INVITE without SDP; the ACK of that INVITE must answer it. */
    String initialOffer(Call call, SipLeg leg, int localPort) {
        SdesOffer srtp = srtpFor(leg);
        long session = System.currentTimeMillis();
        leg.awaitingAnswer.set(new Pending(cseqOf(leg.invite), srtp, true, null));
        return OfferWriter.write(call.localAddress(), localPort, session, session, srtp, Direction.SENDRECV, null);
    }

    /**
     * The offer for the 200 OK of a re-INVITE without SDP: every codec at the call's rate again, since the
     * far end may be a new party (RFC 3725 third-party call control), in our session one o= version on.
     * A call the bot holds stays held (sendonly).
     */
    String reoffer(Call call, SipLeg leg, Request reinvite) {
        long[] origin = ReInvites.origin(leg.answerSdp);
        SdesOffer srtp = srtpFor(leg);
        Direction direction = leg.answerSdp.contains("\na=sendonly") ? Direction.SENDONLY : Direction.SENDRECV;
        RtpFormat wide = call.negotiated() != null && call.negotiated().wideband() ? call.negotiated().audio() : null;
        String offer = OfferWriter.write(call.localAddress(), call.media().localPort(), origin[0], origin[1] + 1, srtp,
                direction, wide);
        leg.answerSdp = offer;
        leg.awaitingAnswer.set(new Pending(cseqOf(reinvite), srtp, false, wide));
        return offer;
    }

    /**
     * Takes the answer from the ACK of an INVITE we answered with an offer, starting or changing the
     * media, or ending the call. False when {@code ack} answers no offer of ours: a plain ACK.
     */
    boolean onAck(Call call, Request ack) {
        SipLeg leg = call.sipContext();
        Pending pending = leg.awaitingAnswer.get();
        if (pending == null || pending.cseq() != cseqOf(ack) || !leg.awaitingAnswer.compareAndSet(pending, null)) {
            return false;
        }
        Negotiated answer;
        try {
            answer = answerOf(ack, pending.srtp(), pending.wide());
        } catch (Unusable e) {
            LOG.info(() -> "call " + call.id() + ": the ACK has no usable answer to our offer (" + e.getMessage() + "); sending BYE");
            calls.end(call, HangupCause.NOT_ACCEPTABLE, e.status, e.getMessage());
            return true;
        }
        if (pending.initial()) {
            calls.lateAnswered(call, answer);
        } else if (call.media() != null) {
            call.media().renegotiate(answer);
            leg.farEndHolds = answer.direction() == Direction.RECVONLY || answer.direction() == Direction.INACTIVE;
        }
        return true;
    }

    private static Negotiated answerOf(Request ack, SdesOffer ours, RtpFormat wide) throws Unusable {
        byte[] body = ack.getRawContent();
        if (body == null || body.length == 0) {
            throw new Unusable(488, "the ACK carried no SDP answer to the offer in our 200 OK");
        }
        ContentTypeHeader type = (ContentTypeHeader) ack.getHeader(ContentTypeHeader.NAME);
        if (type == null || !"application".equalsIgnoreCase(type.getContentType())
                || !"sdp".equalsIgnoreCase(type.getContentSubType())) {
            throw new Unusable(488, "the ACK's body is not application/sdp, so it cannot answer our offer");
        }
        AudioOffer answer;
        try {
            answer = SdpParser.parseAudio(new String(body, StandardCharsets.UTF_8));
        } catch (SdpException e) {
            throw new Unusable(400, "malformed SDP answer in the ACK: " + e.getMessage());
        }
        try {
            return AnswerCheck.settle(answer, ours, wide);
        } catch (SdpException e) {
            throw new Unusable(488, e.getMessage());
        }
    }

    /** SDES keys travel only where they are not in clear text: an offer over TLS is RTP/SAVP. */
    private SdesOffer srtpFor(SipLeg leg) {
        return "tls".equals(SipTools.transportOf(leg.invite)) ? SdesOffer.fresh(random.current()) : null;
    }

    private static long cseqOf(Request request) {
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        return cseq == null ? -1 : cseq.getSeqNumber();
    }
}
