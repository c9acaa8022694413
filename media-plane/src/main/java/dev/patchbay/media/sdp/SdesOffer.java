package dev.patchbay.media.sdp;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The SDES (RFC 4568) side of a call Patchbay places over TLS: our fresh master key and salt go in
 * the offer's a=crypto, and the answer must echo our tag and suite with the far end's own key.
 *
 * @param localKey  16-byte master key we encrypt with
 * @param localSalt 14-byte master salt
 */
public record SdesOffer(byte[] localKey, byte[] localSalt) {

    /** The tag of our single crypto line; the answer must accept it (RFC 4568 section 5.1.2). */
    public static final int TAG = 1;

    /** A new key per call: SDES keys are never reused across calls. */
    public static SdesOffer fresh(SecureRandom random) {
        byte[] material = new byte[30];
        random.nextBytes(material);
        return new SdesOffer(Arrays.copyOf(material, 16), Arrays.copyOfRange(material, 16, 30));
    }

    /** Our a=crypto value: "1 AES_CM_128_HMAC_SHA1_80 inline:<base64 key||salt>". */
    public String attribute() {
        byte[] material = new byte[30];
        System.arraycopy(localKey, 0, material, 0, 16);
        System.arraycopy(localSalt, 0, material, 16, 14);
        return TAG + " " + SdesKeys.SUITE + " inline:" + Base64.getEncoder().encodeToString(material);
    }

    /**
     * Offer/answer for a call we placed: {@code ours} is what we offered (null for plain RTP), and
     * the SRTP keys of the result are ours plus the answer's, never keys drawn for an answer.
     */
    public static Negotiated negotiate(SdesOffer ours, AudioOffer answer) throws SdpException {
        return negotiate(ours, answer, CodecOrder.DEFAULT);
    }

    /** The same, taking only a codec that {@code offered} (the order our offer was written from) accepts. */
    public static Negotiated negotiate(SdesOffer ours, AudioOffer answer, CodecOrder offered) throws SdpException {
        if (ours == null && answer.secure()) {
            throw new SdpException("the trunk answered " + answer.profile() + " to a plain RTP offer; SRTP needs the"
                    + " trunk's transport to be TLS");
        }
        SdesKeys keys = ours == null ? null : ours.settle(answer);
        Negotiated n = Negotiator.answer(answer, offered);
        return new Negotiated(n.audio(), n.telephoneEvent(), n.remoteAddress(), n.remotePort(), n.callerPtimeMs(),
                n.direction(), keys);
    }

    /**
     * The keys of the call from the far end's answer.
     *
     * @throws SdpException when the answer is plain RTP or carries no usable key for our tag and suite;
     *                      a TLS trunk must not silently fall back to unencrypted media
     */
    public SdesKeys settle(AudioOffer answer) throws SdpException {
        if (!answer.secure()) {
            throw new SdpException("the trunk answered " + answer.profile() + " to an SRTP offer on a TLS trunk;"
                    + " Patchbay does not fall back to unencrypted media: enable SDES " + SdesKeys.SUITE + " on the trunk");
        }
        for (String line : answer.crypto()) {
            String[] f = line.split("\\s+");
            if (f.length >= 3 && f[0].equals(Integer.toString(TAG)) && f[1].equals(SdesKeys.SUITE)) {
                byte[] theirs = SdesKeys.inlineMaterial(f[2]);
                if (theirs != null) {
                    return new SdesKeys(TAG, Arrays.copyOf(theirs, 16), Arrays.copyOfRange(theirs, 16, 30), localKey, localSalt);
                }
            }
        }
        throw new SdpException("the trunk's SRTP answer has no usable a=crypto:" + TAG + " " + SdesKeys.SUITE
                + " line with a 30-byte inline key");
    }
}
