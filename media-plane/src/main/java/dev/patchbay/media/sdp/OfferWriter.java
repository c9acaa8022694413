package dev.patchbay.media.sdp;

/**
 * The SDP offer of a call Patchbay places: PCMU, PCMA and telephone-event, 20 ms packets, or the
 * codecs of its trunk's order when the trunk sets one. G.722 or Opus is offered only again to a call
 * that already runs it (a re-INVITE without SDP), since a call cannot move between 8 and 16 kHz.
 */
public final class OfferWriter {

    /** The telephone-event payload type Patchbay offers. */
    public static final int EVENTS = 101;

    /** The dynamic payload type Patchbay offers Opus at (the one most gateways and browsers use). */
    public static final int OPUS = 111;

    private OfferWriter() {
    }

    public static String write(String localAddress, int localPort, long sessionId) {
        return write(localAddress, localPort, sessionId, null);
    }

    /** The offer, as RTP/SAVP with our SDES key when {@code srtp} is given (TLS trunks). */
    public static String write(String localAddress, int localPort, long sessionId, SdesOffer srtp) {
        return write(localAddress, localPort, sessionId, sessionId, srtp, Direction.SENDRECV, null);
    }

    /**
     * A new call's offer of exactly the codecs {@code order} accepts, best first (its trunk's order),
     * with telephone-event unless Opus is the only codec.
     */
    public static String write(String localAddress, int localPort, long sessionId, SdesOffer srtp, CodecOrder order) {
        StringBuilder voice = new StringBuilder();
        StringBuilder maps = new StringBuilder();
        boolean narrowClock = false;
        for (String name : order.names()) {
            int pt = switch (name) {
                case "OPUS" -> OPUS;
                case "G722" -> 9;
                case "PCMU" -> 0;
                default -> 8;
            };
            voice.append(pt).append(' ');
            maps.append("a=rtpmap:").append(pt).append(' ').append(switch (name) {
                case "OPUS" -> "opus/48000/2\r\na=fmtp:" + OPUS + " " + OpusParams.ANSWER;
                default -> name + "/8000";
            }).append("\r\n");
            narrowClock |= !name.equals("OPUS");
        }
        String events = narrowClock ? "a=rtpmap:" + EVENTS + " telephone-event/8000\r\na=fmtp:" + EVENTS + " 0-16\r\n" : "";
        return session(localAddress, sessionId, sessionId)
                + "m=audio " + localPort + (srtp == null ? " RTP/AVP " : " RTP/SAVP ")
                + (narrowClock ? voice.append(EVENTS) : voice.deleteCharAt(voice.length() - 1)) + "\r\n"
                + maps + events + media(srtp, Direction.SENDRECV);
    }

    /**
     * The offer with an explicit o= version and direction: an offer in a 200 OK to a re-INVITE
     * without SDP continues the session's origin (RFC 3264 section 8).
     *
     * @param wide the wideband codec of the call this re-offers to (G.722, or Opus at its payload type),
     *             offered alone; null offers G.711
     */
    public static String write(String localAddress, int localPort, long sessionId, long version, SdesOffer srtp,
                               Direction direction, RtpFormat wide) {
        boolean opus = wide != null && wide.isOpus();
        String voice = wide == null ? "0 8 " + EVENTS : opus ? Integer.toString(wide.payloadType()) : "9 " + EVENTS;
        String maps = wide == null ? "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                : opus ? "a=rtpmap:" + wide.payloadType() + " opus/48000/2\r\na=fmtp:" + wide.payloadType() + " "
                        + OpusParams.ANSWER + "\r\n"
                : "a=rtpmap:9 G722/8000\r\n";
        // No telephone-event with Opus: see Negotiator.
        String events = opus ? "" : "a=rtpmap:" + EVENTS + " telephone-event/8000\r\na=fmtp:" + EVENTS + " 0-16\r\n";
        return session(localAddress, sessionId, version)
                + "m=audio " + localPort + (srtp == null ? " RTP/AVP " : " RTP/SAVP ") + voice + "\r\n"
                + maps + events + media(srtp, direction);
    }

    private static String session(String localAddress, long sessionId, long version) {
        String ipVersion = localAddress.indexOf(':') >= 0 ? "IP6" : "IP4";
        return "v=0\r\n"
                + "o=patchbay " + sessionId + " " + version + " IN " + ipVersion + " " + localAddress + "\r\n"
                + "s=patchbay\r\n"
                + "c=IN " + ipVersion + " " + localAddress + "\r\n"
                + "t=0 0\r\n";
    }

    private static String media(SdesOffer srtp, Direction direction) {
        return (srtp == null ? "" : "a=crypto:" + srtp.attribute() + "\r\n")
                + "a=ptime:20\r\n"
                + "a=" + direction.attribute() + "\r\n";
    }
}
