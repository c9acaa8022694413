package dev.patchbay.media.sdp;

import java.util.List;

/**
 * Checks the answer to an offer of {@link OfferWriter} (PCMU at 0, PCMA at 8, telephone-event at
 * {@link OfferWriter#EVENTS}) and settles the call's terms from it. An answer may only pick from the
 * offer, at the payload types offered (RFC 3264 section 6.1); formats it adds beyond the one voice
 * codec and telephone-event are not used, so they are ignored rather than fatal.
 */
public final class AnswerCheck {

    /** What {@link OfferWriter} offers: G.711, or G.722 or Opus alone to a call already on it. */
    private static final CodecOrder NARROWBAND = CodecOrder.of(List.of("PCMU", "PCMA"));
    private static final CodecOrder G722 = CodecOrder.of(List.of("G722"));
    private static final CodecOrder OPUS = CodecOrder.of(List.of("OPUS"));

    private AnswerCheck() {
    }

    /**
     * The terms of the call from {@code answer}.
     *
     * @param ours our SDES key when the offer was RTP/SAVP (TLS), else null
     * @throws SdpException when the answer cannot be used; the message says why, for a Reason header
     */
    public static Negotiated settle(AudioOffer answer, SdesOffer ours) throws SdpException {
        return settle(answer, ours, null);
    }

    /** The same, for an offer made with the wideband codec {@code wide} ({@link OfferWriter}), or null for G.711. */
    public static Negotiated settle(AudioOffer answer, SdesOffer ours, RtpFormat wide) throws SdpException {
        CodecOrder offered = wide == null ? NARROWBAND : wide.isOpus() ? OPUS : G722;
        if (answer.port() == 0) {
            throw new SdpException("the answer rejected the audio stream (port 0)");
        }
        RtpFormat voice = null;
        for (RtpFormat f : answer.formats()) {
            if (offered.rank(f) >= 0) {
                voice = f;
                break;
            }
        }
        if (voice == null) {
            throw new SdpException("the answer picked no codec of the offer: Patchbay offered "
                    + (wide == null ? "PCMU/8000 and PCMA/8000" : wide.isOpus() ? "opus/48000/2" : "G722/8000"));
        }
        int offeredAt = voice.isOpus() ? wide.payloadType() : voice.is("G722") ? 9 : voice.is("PCMU") ? 0 : 8;
        if (voice.payloadType() != offeredAt) {
            throw new SdpException("the answer moved " + voice.encoding() + " to payload type " + voice.payloadType()
                    + "; it was offered at " + offeredAt);
        }
        for (RtpFormat f : answer.formats()) {
            if (f.is("telephone-event") && f.payloadType() != OfferWriter.EVENTS) {
                throw new SdpException("the answer moved telephone-event to payload type " + f.payloadType()
                        + "; it was offered at " + OfferWriter.EVENTS);
            }
        }
        return SdesOffer.negotiate(ours, answer);
    }
}
