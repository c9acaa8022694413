package dev.patchbay.media.sip;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExtensionHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.rtp.RtpPortPool;
import dev.patchbay.media.sdp.AnswerWriter;
import dev.patchbay.proto.media.v1.ControlEvent;
import gov.nist.javax.sip.message.SIPMessage;

/**
 * The node's side of the start-up rehearsal ({@link RehearsalClient}). An INVITE from the rehearsal's
 * own socket that carries this run's token goes the way a real one does: its transaction, 100 Trying,
 * the offer's parse and negotiation, a call object, the Control message an offer would send (serialised,
 * not sent), an RTP port bound and given back, the answer's SDP in a 183 (an early dialog), then a 503.
 * The call is never registered, the control-plane hears nothing and no metric counts the 503, so the
 * rehearsal leaves no call, port, row, event or counter behind.
 */
final class Rehearsals {

    static final String HEADER = "X-Patchbay-Rehearsal";

    /** The rehearsal's socket and token while it runs. */
    private record Window(InetSocketAddress source, String token) {
    }

    private final SipTools sip;
    private final CallManager calls;
    private final OfferCheck offers;
    private final String advertise;
    private final String mediaNode;
    /** Null outside the rehearsal, so no INVITE can claim to be one once the node is ready. */
    private volatile Window window;

    Rehearsals(SipTools sip, CallManager calls, OfferCheck offers, String advertise, String mediaNode) {
        this.sip = sip;
        this.calls = calls;
        this.offers = offers;
        this.advertise = advertise;
        this.mediaNode = mediaNode;
    }

    void open(InetSocketAddress source, String token) {
        window = new Window(source, token);
    }

    void close() {
        window = null;
    }

    /** Whether a request came from the rehearsal's socket: the source guard does not count those. */
    boolean from(InetAddress address, int port) {
        Window w = window;
        return w != null && w.source().getPort() == port && w.source().getAddress().equals(address);
    }

    /** Whether {@code invite} is one of this run's rehearsals: the right socket and the right token. */
    boolean claims(Request invite) {
        Window w = window;
        if (w == null || !(invite instanceof SIPMessage raw) || !from(raw.getRemoteAddress(), raw.getRemotePort())) {
            return false;
        }
        return invite.getHeader(HEADER) instanceof ExtensionHeader h && h.getValue() != null
                && MessageDigest.isEqual(h.getValue().strip().getBytes(StandardCharsets.US_ASCII),
                        w.token().getBytes(StandardCharsets.US_ASCII));
    }

    /** Takes a claimed INVITE through the set-up path and refuses it; its 100 Trying has been sent. */
    void answer(ServerTransaction tx, Request invite, String toTag)
            throws ParseException, InvalidArgumentException, SipException {
        SessionTimers.requested(invite);
        String transport = SipTools.transportOf(invite);
        OfferCheck.Accepted accepted = offers.check(tx, invite, toTag, transport).orElse(null);
        if (accepted == null) {
            return; // refused by the check, as any INVITE with that offer would be
        }
        SIPMessage raw = (SIPMessage) invite;
        String local = LocalAddress.of(advertise, raw);
        ContactHeader contact = sip.contact(local, transport);
        String sipCallId = ((CallIdHeader) invite.getHeader(CallIdHeader.NAME)).getCallId();
        Call call = calls.rehearsal(sipCallId, accepted.negotiated(), local, new SipLeg(tx, invite, toTag, contact));
        ControlEvent.newBuilder().setCallId(call.id()).setUnixMillis(System.currentTimeMillis())
                .setOffered(OfferedEvent.of(call, invite, raw, transport, accepted.offer(), mediaNode)).build().toByteArray();
        Response progress = sip.response(Response.SESSION_PROGRESS, invite, toTag, null);
        progress.addHeader(contact);
        Optional<RtpPortPool.RtpSocket> socket = accepted.lateOffer() ? Optional.empty() : calls.ports().allocate();
        if (socket.isPresent()) {
            try {
                long session = System.nanoTime() & Long.MAX_VALUE;
                progress.setContent(AnswerWriter.write(accepted.negotiated(), local, socket.get().port(), session, session),
                        sip.headers.createContentTypeHeader("application", "sdp"));
            } finally {
                calls.ports().release(socket.get());
            }
        }
        SipTools.send(tx, progress);
        Response refusal = sip.response(Response.SERVICE_UNAVAILABLE, invite, toTag, "start-up rehearsal");
        RejectHeaders.add(sip.headers, refusal, List.of());
        tx.sendResponse(refusal); // not SipTools.send: the INVITE metrics count callers' INVITEs only
    }
}
