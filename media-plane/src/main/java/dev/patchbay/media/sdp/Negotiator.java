package dev.patchbay.media.sdp;

import java.security.SecureRandom;
import java.util.stream.Collectors;

/**
 * RFC 3264 answerer for Opus, G.722 and G.711 voice. Takes the offered codec that the {@link CodecOrder}
 * ranks best (G.722, Opus, then G.711 by default; the caller's order among equals), and telephone-event
 * at whatever dynamic payload type the caller chose, at the voice's RTP clock (RFC 4733 §2.1: 8000 with
 * G.711 and G.722, 48000 with Opus); an event format at another clock is not used, and digits go in-band.
 */
public final class Negotiator {

    private Negotiator() {
    }

    /** @throws SdpException when nothing can be accepted; the call should get 488 */
    public static Negotiated answer(AudioOffer offer) throws SdpException {
        return answer(offer, CodecOrder.DEFAULT);
    }

    /** @throws SdpException when nothing can be accepted under {@code order}; the call should get 488 */
    public static Negotiated answer(AudioOffer offer, CodecOrder order) throws SdpException {
        if (offer.port() == 0) {
            throw new SdpException("the audio stream is disabled (port 0)");
        }
        RtpFormat audio = null;
        int best = Integer.MAX_VALUE;
        for (RtpFormat f : offer.formats()) {
            int rank = order.rank(f);
            if (rank >= 0 && rank < best) {
                audio = f;
                best = rank;
            }
        }
        if (audio == null) {
            throw new SdpException("no common codec: Patchbay accepts "
                    + order.names().stream().map(n -> n + "/8000").collect(Collectors.joining(" or ")));
        }
        RtpFormat events = null;
        for (RtpFormat f : offer.formats()) {
            if (events == null && f.is("telephone-event") && f.clockRate() == audio.clockRate()) {
                events = f;
            }
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
