package dev.patchbay.media.sdp;

import java.security.SecureRandom;

/**
 * RFC 3264 answerer for G.711 voice. Takes the caller's most preferred codec that Patchbay speaks,
 * and telephone-event at whatever dynamic payload type the caller chose.
 */
public final class Negotiator {

    private Negotiator() {
    }

    /** @throws SdpException when nothing can be accepted; the call should get 488 */
    public static Negotiated answer(AudioOffer offer) throws SdpException {
        if (offer.port() == 0) {
            throw new SdpException("the audio stream is disabled (port 0)");
        }
        RtpFormat audio = null;
        RtpFormat events = null;
        for (RtpFormat f : offer.formats()) {
            if (audio == null && f.clockRate() == 8000 && (f.is("PCMU") || f.is("PCMA"))) {
                audio = f;
            } else if (events == null && f.clockRate() == 8000 && f.is("telephone-event")) {
                events = f;
            }
        }
        if (audio == null) {
            throw new SdpException("no common codec: Patchbay accepts PCMU/8000 or PCMA/8000");
        }
        int ptime = offer.ptimeMs() > 0 ? offer.ptimeMs() : 20;
        SdesKeys srtp = null;
        if (offer.secure()) {
            for (String line : offer.crypto()) {
                String[] f = line.split("\\s+");
                if (srtp == null && f.length >= 3 && f[1].equals(SdesKeys.SUITE)) {
                    try {
                        srtp = SdesKeys.accept(Integer.parseInt(f[0]), f[2], new SecureRandom());
                    } catch (NumberFormatException e) {
                        srtp = null;
                    }
                }
            }
            if (srtp == null) {
                throw new SdpException("SRTP offered without a usable " + SdesKeys.SUITE + " a=crypto line");
            }
        }
        return new Negotiated(audio, events, offer.address(), offer.port(), ptime, offer.direction().answer(), srtp);
    }
}
