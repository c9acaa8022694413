package dev.patchbay.media.sip;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;

import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.sdp.AnswerWriter;
import dev.patchbay.media.sdp.CodecOrder;
import dev.patchbay.media.sdp.Direction;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.sdp.Negotiator;
import dev.patchbay.media.sdp.SdpException;
import dev.patchbay.media.sdp.SdpParser;

/**
 * A re-INVITE or UPDATE in an answered call: a new offer (hold, resume, a codec or address change) is
 * answered per RFC 3264 and applied to the media; an UPDATE without SDP is a bare refresh, and a
 * re-INVITE without SDP gets our offer in the 200 OK and its answer from the ACK ({@link LateOffer}). An offer Patchbay cannot accept gets 488 and the call
 * carries on as it was (RFC 3261 section 14.2). Each one is also a session-timer refresh.
 */
final class ReInvites {

    private final SipTools sip;
    private final CallManager calls;
    private final int minSessionExpires;
    private final LateOffer lateOffers;

    ReInvites(SipTools sip, CallManager calls, int minSessionExpires, LateOffer lateOffers) {
        this.lateOffers = lateOffers;
        this.sip = sip;
        this.calls = calls;
        this.minSessionExpires = minSessionExpires;
    }

    /** Answers 422 with our Min-SE when the requested session interval is too short (RFC 4028). */
    boolean intervalTooSmall(ServerTransaction tx, Request request, String toTag, int interval) throws ParseException {
        if (interval < 0 || interval >= minSessionExpires) {
            return false;
        }
        Response r = sip.response(422, request, toTag, "Session-Expires of " + interval + " s is below the minimum of "
                + minSessionExpires + " s");
        r.addHeader(sip.headers.createHeader("Min-SE", Integer.toString(minSessionExpires)));
        SipTools.send(tx, r);
        return true;
    }

    /** Adds the session timer to a 2xx and restarts the deadline for the caller's next refresh. */
    void sessionTimer(Call call, SipLeg leg, Response ok) throws ParseException {
        if (leg.sessionExpires > 0) {
            SessionTimers.accept(ok, leg.sessionExpires, sip);
            calls.expectRefreshWithin(call, SessionTimers.deadlineMillis(leg.sessionExpires), leg.sessionExpires);
        }
    }

    /** A re-INVITE or UPDATE inside an answered call. */
    void handle(Call call, Request invite, ServerTransaction tx) throws ParseException, InvalidArgumentException {
        SipLeg leg = call == null ? null : call.sipContext();
        if (leg != null && leg.awaitingAnswer.get() != null) {
            // Our offer in a 200 OK still waits for the ACK's answer: no new offer until then (RFC 3264 section 4).
            Response pending = sip.response(Response.REQUEST_PENDING, invite, null,
                    "the answer to our offer (in the ACK) has not arrived yet");
            pending.addHeader(sip.headers.createRetryAfterHeader(1));
            SipTools.send(tx, pending);
            return;
        }
        if (leg == null || leg.answerSdp == null || call.media() == null) {
            SipTools.send(tx, sip.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, invite, null, "no such call"));
            return;
        }
        int interval = SessionTimers.requested(invite);
        if (intervalTooSmall(tx, invite, null, interval)) {
            return;
        }
        if (interval > 0 && SessionTimers.callerSupports(invite)) {
            leg.sessionExpires = interval;
        }
        byte[] body = invite.getRawContent();
        boolean offer = body != null && body.length > 0;
        if (offer) {
            Negotiated next;
            try {
                next = Negotiator.answer(SdpParser.parseAudio(new String(body, StandardCharsets.UTF_8)),
                        call.negotiated() == null ? CodecOrder.DEFAULT : CodecOrder.sameRate(call.negotiated()));
            } catch (SdpException e) {
                Response r = sip.response(Response.NOT_ACCEPTABLE_HERE, invite, null, e.getMessage());
                r.addHeader(sip.headers.createWarningHeader("patchbay", 305, SipTools.sanitize(e.getMessage())));
                SipTools.send(tx, r);
                return;
            }
            call.media().renegotiate(next);
            leg.farEndHolds = next.direction() == Direction.RECVONLY || next.direction() == Direction.INACTIVE;
            long[] origin = origin(leg.answerSdp);
            leg.answerSdp = AnswerWriter.write(next, call.localAddress(), call.media().localPort(), origin[0], origin[1] + 1);
        }
        Response ok = sip.response(Response.OK, invite, null, null);
        ok.addHeader(leg.contact);
        // An UPDATE without an offer is a bare refresh and gets no SDP. A re-INVITE without one asks for
        // our offer, which the ACK answers (late offer).
        if (offer) {
            ok.setContent(leg.answerSdp, sip.headers.createContentTypeHeader("application", "sdp"));
        } else if (Request.INVITE.equals(invite.getMethod())) {
            ok.setContent(lateOffers.reoffer(call, leg, invite), sip.headers.createContentTypeHeader("application", "sdp"));
        }
        sessionTimer(call, leg, ok);
        SipTools.send(tx, ok);
    }

    /** The session id and version of our last SDP (its o= line), so the next one increments it. */
    static long[] origin(String sdp) {
        for (String line : sdp.split("\r\n")) {
            if (line.startsWith("o=")) {
                String[] f = line.split(" ");
                return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
            }
        }
        return new long[] {0, 0};
    }
}
