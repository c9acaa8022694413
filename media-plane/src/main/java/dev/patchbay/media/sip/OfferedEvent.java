package dev.patchbay.media.sip;

import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.sdp.AudioOffer;
import dev.patchbay.media.sdp.RtpFormat;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.Codec;
import dev.patchbay.proto.media.v1.SipHeader;
import dev.patchbay.proto.media.v1.SocketAddress;
import dev.patchbay.proto.media.v1.Transport;
import gov.nist.javax.sip.message.SIPMessage;

/**
 * What the control-plane is told of a new inbound call: the INVITE's addresses, source and transport,
 * every header as received (routing and integrations read X- headers), and the offered codecs.
 */
final class OfferedEvent {

    private OfferedEvent() {
    }

    static CallOffered of(Call call, Request invite, SIPMessage raw, String transport, AudioOffer offer, String mediaNode) {
        FromHeader from = (FromHeader) invite.getHeader(FromHeader.NAME);
        ToHeader to = (ToHeader) invite.getHeader(ToHeader.NAME);
        CallOffered.Builder b = CallOffered.newBuilder()
                .setRequestUri(invite.getRequestURI().toString())
                .setRequestUser(SipTools.userOf(invite.getRequestURI()))
                .setFromUri(from.getAddress().getURI().toString())
                .setFromDisplay(SipTools.nullToEmpty(from.getAddress().getDisplayName()))
                .setToUri(to.getAddress().getURI().toString())
                .setToUser(SipTools.userOf(to.getAddress().getURI()))
                .setSource(SocketAddress.newBuilder().setIp(raw.getRemoteAddress().getHostAddress()).setPort(raw.getRemotePort()))
                .setTransport(switch (transport) {
                    case "tcp" -> Transport.TCP;
                    case "tls" -> Transport.TLS;
                    default -> Transport.UDP;
                })
                .setSipCallId(call.sipCallId())
                .setAttachToken(call.attachToken())
                .setMediaNode(mediaNode);
        for (Iterator<String> names = invite.getHeaderNames(); names.hasNext(); ) {
            String name = names.next();
            for (ListIterator<?> values = invite.getHeaders(name); values.hasNext(); ) {
                Header h = (Header) values.next();
                String text = h.toString().strip();
                int colon = text.indexOf(':');
                b.addHeaders(SipHeader.newBuilder().setName(h.getName())
                        .setValue(colon < 0 ? "" : text.substring(colon + 1).strip()));
            }
        }
        for (RtpFormat f : offer == null ? List.<RtpFormat>of() : offer.formats()) { // none: a late offer
            b.addCodecs(Codec.newBuilder().setName(f.encoding()).setPayloadType(f.payloadType())
                    .setClockRate(f.clockRate()).setFmtp(f.fmtp()));
        }
        return b.build();
    }
}
