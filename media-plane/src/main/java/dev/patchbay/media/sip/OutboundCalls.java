package dev.patchbay.media.sip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.media.call.ThreadRandom;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.rtp.RtpPortPool;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.sdp.CodecOrder;
import dev.patchbay.media.sdp.OfferWriter;
import dev.patchbay.media.sdp.SdesOffer;
import dev.patchbay.media.sdp.SdpException;
import dev.patchbay.media.sdp.SdpParser;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.SipHeader;
import dev.patchbay.proto.media.v1.Transport;

/**
 * Calls Patchbay places through a trunk: INVITE with an SDP offer, routed to the trunk by a loose
 * Route, one answer to a 401/407 challenge with digest credentials (MD5 or SHA-256), ACK on 2xx,
 * CANCEL when the call is given up before the answer.
 */
final class OutboundCalls {

    private static final Logger LOG = Logger.getLogger(OutboundCalls.class.getName());

    /** Why a call could not be placed; the message names the field. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final SipTools sip;
    private final CallManager calls;
    private final DialogRequests requests;
    private final String advertise;
    private final ThreadRandom random = new ThreadRandom();
    private final ConcurrentHashMap<ClientTransaction, Call> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ClientTransaction, PlaceCallRequest> placed = new ConcurrentHashMap<>();
    private volatile SipProvider provider;

    OutboundCalls(SipTools sip, CallManager calls, DialogRequests requests, String advertise) {
        this.sip = sip;
        this.calls = calls;
        this.requests = requests;
        this.advertise = advertise;
    }

    void provider(SipProvider provider) {
        this.provider = provider;
    }

    Call place(PlaceCallRequest request, Consumer<Call> beforeInvite) throws Refused {
        String transport = switch (request.getTransport()) {
            case TCP -> "tcp";
            case TLS -> "tls";
            default -> "udp";
        };
        int port = request.getTrunkPort() == 0 ? (request.getTransport() == Transport.TLS ? 5061 : 5060) : request.getTrunkPort();
        InetAddress trunk;
        try {
            trunk = InetAddress.getByName(request.getTrunkHost());
        } catch (UnknownHostException e) {
            throw new Refused("trunk_host '" + request.getTrunkHost() + "' does not resolve");
        }
        CodecOrder codecs;
        try {
            codecs = request.getCodecsCount() == 0 ? null : CodecOrder.of(request.getCodecsList());
        } catch (IllegalArgumentException e) {
            throw new Refused("codecs: " + e.getMessage());
        }
        RtpPortPool.RtpSocket socket = calls.ports().allocate().orElseThrow(() -> new Refused("all RTP ports are in use"));
        try {
            String local = LocalAddress.toward(advertise, trunk, port);
            ContactHeader contact = sip.contact(local, transport);
            Request invite = invite(request, local, transport, port, contact);
            // TLS trunks get SRTP: the keys travel only where the signalling is encrypted.
            SdesOffer srtp = request.getTransport() == Transport.TLS ? SdesOffer.fresh(random.current()) : null;
            String offer = codecs == null ? OfferWriter.write(local, socket.port(), System.currentTimeMillis(), srtp)
                    : OfferWriter.write(local, socket.port(), System.currentTimeMillis(), srtp, codecs);
            invite.setContent(offer, sip.headers.createContentTypeHeader("application", "sdp"));
            SipLeg leg = new SipLeg(null, invite, null, contact);
            leg.srtpOffer = srtp;
            leg.offeredCodecs = codecs == null ? CodecOrder.of(List.of("PCMU", "PCMA")) : codecs;
            leg.answerSdp = offer;
            Call call = calls.newOutboundCall(request.getCallId(), request.getAttachToken(), ((CallIdHeader) invite.getHeader(CallIdHeader.NAME)).getCallId(), local, leg, socket);
            call.outboundOptions(new Call.Outbound(request.getRecord(), request.getMaxDurationSeconds()));
            call.dtmfMethod(request.getDtmfMethod());
            beforeInvite.accept(call);
            send(call, leg, invite, request);
            return call;
        } catch (ParseException | InvalidArgumentException | SipException | IllegalArgumentException
                 | IllegalStateException e) {
            calls.ports().release(socket);
            throw new Refused("cannot build or send the INVITE: " + e.getMessage());
        }
    }

    private Request invite(PlaceCallRequest r, String local, String transport, int port, ContactHeader contact)
            throws ParseException, InvalidArgumentException {
        SipURI target = uri(r.getToUri(), "to_uri");
        SipURI caller = uri(r.getFromUri(), "from_uri");
        FromHeader from = PrivacyHeaders.from(sip, r, caller, random.hex(4));
        ToHeader to = sip.headers.createToHeader(sip.addresses.createAddress(target), null);
        ViaHeader via = sip.headers.createViaHeader(local, sip.portFor(transport), transport, null);
        Request invite = sip.messages.createRequest(target, Request.INVITE, provider.getNewCallId(),
                sip.headers.createCSeqHeader(1L, Request.INVITE), from, to, List.of(via), sip.headers.createMaxForwardsHeader(70));
        invite.addHeader(contact);
        SipURI trunk = sip.addresses.createSipURI(null, r.getTrunkHost());
        trunk.setPort(port);
        trunk.setTransportParam(transport);
        trunk.setLrParam();
        invite.addHeader(sip.headers.createRouteHeader(sip.addresses.createAddress(trunk)));
        PrivacyHeaders.assertIdentity(sip, r, caller, invite);
        for (SipHeader h : r.getHeadersList()) {
            invite.addHeader(sip.headers.createHeader(h.getName(), h.getValue()));
        }
        return invite;
    }

    private SipURI uri(String text, String field) throws ParseException {
        if (!(sip.addresses.createURI(text) instanceof SipURI u)) {
            throw new ParseException(field + " must be a sip: URI, got '" + text + "'", 0);
        }
        return u;
    }

    private void send(Call call, SipLeg leg, Request invite, PlaceCallRequest request) throws SipException {
        ClientTransaction ct = provider.getNewClientTransaction(invite);
        leg.outboundTransaction = ct;
        pending.put(ct, call);
        placed.put(ct, request);
        ct.sendRequest();
    }

    void onResponse(ResponseEvent event) {
        ClientTransaction ct = event.getClientTransaction();
        Call call = ct == null ? null : pending.get(ct);
        if (call == null) {
            return;
        }
        Response response = event.getResponse();
        int status = response.getStatusCode();
        if (status < 200) {
            if (status == Response.RINGING || status == Response.SESSION_PROGRESS) {
                calls.outboundRinging(call, status);
            }
            return;
        }
        pending.remove(ct);
        PlaceCallRequest request = placed.remove(ct);
        SipLeg leg = call.sipContext();
        leg.finalReceived = true;
        try {
            if ((status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED)
                    && !leg.authenticated && !request.getAuthUsername().isEmpty()) {
                leg.authenticated = true;
                leg.finalReceived = false;
                send(call, leg, authenticated(ct.getRequest(), response, request), request);
            } else if (status < 300) {
                answered(call, leg, ct.getDialog(), response);
            } else {
                calls.end(call, HangupCause.REJECTED, status, "the trunk answered " + status + " " + response.getReasonPhrase());
            }
        } catch (ParseException | SipException | InvalidArgumentException e) {
            calls.end(call, HangupCause.ERROR, 500, "cannot continue the outbound call: " + e.getMessage());
        }
    }

    private void answered(Call call, SipLeg leg, Dialog dialog, Response ok) throws SipException, InvalidArgumentException {
        leg.dialog = dialog;
        dialog.sendAck(dialog.createAck(((CSeqHeader) ok.getHeader(CSeqHeader.NAME)).getSeqNumber()));
        byte[] body = ok.getRawContent();
        Negotiated answer;
        try {
            answer = SdesOffer.negotiate(leg.srtpOffer, SdpParser.parseAudio(body == null ? "" : new String(body, StandardCharsets.UTF_8)),
                    leg.offeredCodecs);
        } catch (SdpException e) {
            requests.bye(dialog, "unusable SDP answer: " + e.getMessage());
            calls.end(call, HangupCause.NOT_ACCEPTABLE, 488, "the answer's SDP is unusable: " + e.getMessage());
            return;
        }
        calls.outboundAnswered(call, answer);
    }

    /** The same INVITE with the next CSeq, a new branch and digest credentials for the challenge. */
    private Request authenticated(Request previous, Response challenge, PlaceCallRequest r)
            throws ParseException, InvalidArgumentException, SipException {
        return DigestAnswer.answer(sip, previous, challenge, r.getAuthUsername(), r.getAuthPassword(), random.hex(8));
    }


    void onTimeout(TimeoutEvent event) {
        if (!event.isServerTransaction()) {
            Call call = pending.remove(event.getClientTransaction());
            placed.remove(event.getClientTransaction());
            if (call != null) {
                ((SipLeg) call.sipContext()).finalReceived = true;
                calls.end(call, HangupCause.ROUTE_TIMEOUT, 408, "the trunk never answered the INVITE");
            }
        }
    }

    /** Gives up on an unanswered outbound call. */
    void cancel(SipLeg leg) {
        ClientTransaction ct = leg.outboundTransaction;
        if (ct == null || leg.finalReceived) {
            return;
        }
        try {
            provider.getNewClientTransaction(ct.createCancel()).sendRequest();
        } catch (SipException e) {
            LOG.fine(() -> "could not CANCEL: " + e.getMessage());
        }
    }
}
