package dev.patchbay.media.sdp;

import java.util.List;
import java.util.Locale;

/**
 * The audio stream of an SDP offer: where to send RTP, what the caller can receive, and how.
 *
 * @param address    connection address (media-level c= wins over session-level)
 * @param port       RTP port; 0 means the stream is disabled
 * @param formats    payload formats in the caller's order of preference
 * @param ptimeMs    a=ptime, or 0 when absent
 * @param direction  a=sendrecv etc., media-level over session-level
 * @param profile    the m= line's transport, e.g. "RTP/AVP" or "RTP/SAVP"
 * @param crypto     its a=crypto lines (RFC 4568), as "tag suite key-params", in order
 */
public record AudioOffer(String address, int port, List<RtpFormat> formats, int ptimeMs, Direction direction,
                         String profile, List<String> crypto) {

    /** Whether the offer asks for SRTP. */
    public boolean secure() {
        return profile.toUpperCase(Locale.ROOT).startsWith("RTP/SAVP");
    }
}
