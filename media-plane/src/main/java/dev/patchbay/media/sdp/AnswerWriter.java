package dev.patchbay.media.sdp;

/**
 * Writes the SDP answer: only what was accepted, at the caller's payload types, 20 ms packets; with
 * Opus, the fmtp of what Patchbay does ({@link OpusParams#ANSWER}).
 */
public final class AnswerWriter {

    private AnswerWriter() {
    }

    public static String write(Negotiated n, String localAddress, int localPort, long sessionId, long version) {
        String ipVersion = localAddress.indexOf(':') >= 0 ? "IP6" : "IP4";
        StringBuilder sb = new StringBuilder(256);
        sb.append("v=0\r\n")
                .append("o=patchbay ").append(sessionId).append(' ').append(version).append(" IN ").append(ipVersion)
                .append(' ').append(localAddress).append("\r\n")
                .append("s=patchbay\r\n")
                .append("c=IN ").append(ipVersion).append(' ').append(localAddress).append("\r\n")
                .append("t=0 0\r\n")
                .append("m=audio ").append(localPort).append(n.srtp() == null ? " RTP/AVP " : " RTP/SAVP ")
                .append(n.audio().payloadType());
        if (n.telephoneEvent() != null) {
            sb.append(' ').append(n.telephoneEvent().payloadType());
        }
        sb.append("\r\n");
        rtpmap(sb, n.audio());
        if (n.audio().isOpus()) {
            sb.append("a=fmtp:").append(n.audio().payloadType()).append(' ').append(OpusParams.ANSWER).append("\r\n");
        }
        if (n.telephoneEvent() != null) {
            rtpmap(sb, n.telephoneEvent());
            sb.append("a=fmtp:").append(n.telephoneEvent().payloadType()).append(" 0-16\r\n");
        }
        if (n.srtp() != null) {
            sb.append("a=crypto:").append(n.srtp().answerAttribute()).append("\r\n");
        }
        sb.append("a=ptime:20\r\n")
                .append("a=").append(n.direction().attribute()).append("\r\n");
        return sb.toString();
    }

    private static void rtpmap(StringBuilder sb, RtpFormat f) {
        sb.append("a=rtpmap:").append(f.payloadType()).append(' ').append(f.encoding()).append('/')
                .append(f.clockRate()).append(f.isOpus() ? "/2\r\n" : "\r\n"); // RFC 7587: always two channels
    }
}
