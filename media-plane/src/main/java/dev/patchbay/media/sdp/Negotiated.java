package dev.patchbay.media.sdp;

/**
 * What offer/answer settled on for one call.
 *
 * @param audio          the voice codec: opus, G722, PCMU or PCMA
 * @param telephoneEvent RFC 4733 events at the caller's payload type, or null when not offered
 * @param remoteAddress  where the caller wants RTP
 * @param remotePort     its port
 * @param callerPtimeMs  the caller's a=ptime, or 20 when absent
 * @param direction      the direction of our answer
 * @param srtp           the SDES keys when the offer asked for SRTP, else null
 */
public record Negotiated(RtpFormat audio, RtpFormat telephoneEvent, String remoteAddress, int remotePort,
                         int callerPtimeMs, Direction direction, SdesKeys srtp) {

    /** Whether the call's audio runs at 16 kHz (G.722, Opus): every stage then works at 16 kHz, none at 8. */
    public boolean wideband() {
        return audio.sampleRate() == 16000;
    }
}
