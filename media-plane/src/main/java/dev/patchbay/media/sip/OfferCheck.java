package dev.patchbay.media.sip;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;

import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.media.sdp.AudioOffer;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.sdp.Negotiator;
import dev.patchbay.media.sdp.SdpException;
import dev.patchbay.media.sdp.SdpParser;

/**
 * Checks the offer of a new inbound INVITE before any call exists: an SDP body that parses, a codec
 * Patchbay takes, and SDES keys only over TLS. An INVITE without a body is a late offer and passes. A refusal is sent here, with the status and reason
 * that name the problem, so the INVITE handler goes on only with an offer it can answer.
 */
final class OfferCheck {

    /** An offer Patchbay can answer, and the answer's terms. */
    record Accepted(AudioOffer offer, Negotiated negotiated) {
        /** An INVITE without SDP: no offer to check; {@link LateOffer} offers in the 200 OK instead. */
        static final Accepted LATE_OFFER = new Accepted(null, null);

        boolean lateOffer() {
            return offer == null;
        }
    }

    private final SipTools sip;

    OfferCheck(SipTools sip) {
        this.sip = sip;
    }

    /** The accepted offer of {@code invite}, or empty once its refusal has been sent on {@code tx}. */
    Optional<Accepted> check(ServerTransaction tx, Request invite, String toTag, String transport)
            throws ParseException, InvalidArgumentException {
        ContentTypeHeader type = (ContentTypeHeader) invite.getHeader(ContentTypeHeader.NAME);
        byte[] body = invite.getRawContent();
        if (body == null || body.length == 0) {
            return Optional.of(Accepted.LATE_OFFER);
        }
        if (type == null || !"application".equalsIgnoreCase(type.getContentType())
                || !"sdp".equalsIgnoreCase(type.getContentSubType())) {
            Response r = sip.response(Response.UNSUPPORTED_MEDIA_TYPE, invite, toTag, "only application/sdp bodies are accepted");
            r.addHeader(sip.headers.createAcceptHeader("application", "sdp"));
            SipTools.send(tx, r);
            return Optional.empty();
        }
        AudioOffer offer;
        Negotiated negotiated;
        try {
            offer = SdpParser.parseAudio(new String(body, StandardCharsets.UTF_8));
        } catch (SdpException e) {
            RejectHeaders.send(sip, tx, invite, toTag, Response.BAD_REQUEST, "malformed SDP: " + e.getMessage(), List.of());
            return Optional.empty();
        }
        try {
            negotiated = Negotiator.answer(offer);
        } catch (SdpException e) {
            Response r = sip.response(Response.NOT_ACCEPTABLE_HERE, invite, toTag, e.getMessage());
            r.addHeader(sip.headers.createWarningHeader("patchbay", 305, SipTools.sanitize(e.getMessage())));
            SipTools.send(tx, r);
            return Optional.empty();
        }
        if (negotiated.srtp() != null && !"tls".equals(transport)) {
            Response r = sip.response(Response.NOT_ACCEPTABLE_HERE, invite, toTag,
                    "SRTP keys (SDES) are accepted only over SIP/TLS, where they are not sent in clear text");
            r.addHeader(sip.headers.createWarningHeader("patchbay", 306, "SDES requires TLS"));
            SipTools.send(tx, r);
            return Optional.empty();
        }
        return Optional.of(new Accepted(offer, negotiated));
    }
}
