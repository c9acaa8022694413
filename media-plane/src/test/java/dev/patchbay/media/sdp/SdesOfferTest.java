package dev.patchbay.media.sdp;

import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outbound SDES: our key in the offer, the answer's key for receiving, no silent fall-back to RTP. */
class SdesOfferTest {

    private static final String THEIRS = Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30});

    private static AudioOffer answer(String profile, String crypto) throws SdpException {
        return SdpParser.parseAudio("v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 4000 " + profile + " 0\r\na=rtpmap:0 PCMU/8000\r\n" + crypto);
    }

    @Test
    void theOfferIsSavpWithAFreshKeyPerCall() throws Exception {
        SecureRandom random = new SecureRandom();
        SdesOffer a = SdesOffer.fresh(random);
        String sdp = OfferWriter.write("127.0.0.1", 4000, 1, a);
        assertTrue(sdp.contains("m=audio 4000 RTP/SAVP 0 8 101\r\n"), sdp);
        assertTrue(sdp.contains("a=crypto:" + a.attribute() + "\r\n"), sdp);
        byte[] material = Base64.getDecoder().decode(a.attribute().substring("1 AES_CM_128_HMAC_SHA1_80 inline:".length()));
        assertEquals(30, material.length);
        assertFalse(java.util.Arrays.equals(a.localKey(), SdesOffer.fresh(random).localKey()), "a new key per call");
        assertFalse(OfferWriter.write("127.0.0.1", 4000, 1).contains("a=crypto"), "plain trunks stay RTP/AVP");
    }

    @Test
    void theAnswersKeyDecryptsAndOursEncrypts() throws Exception {
        SdesOffer ours = SdesOffer.fresh(new SecureRandom());
        Negotiated n = SdesOffer.negotiate(ours, answer("RTP/SAVP", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + THEIRS + "|2^31\r\n"));
        assertEquals(1, n.srtp().tag());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, n.srtp().remoteKey());
        assertEquals(14, n.srtp().remoteSalt().length);
        assertArrayEquals(ours.localKey(), n.srtp().localKey());
        assertArrayEquals(ours.localSalt(), n.srtp().localSalt());
    }

    @Test
    void aTlsTrunkAnsweringPlainRtpOrNoKeyIsRefused() throws Exception {
        SdesOffer ours = SdesOffer.fresh(new SecureRandom());
        SdpException plain = assertThrows(SdpException.class, () -> SdesOffer.negotiate(ours, answer("RTP/AVP", "")));
        assertTrue(plain.getMessage().contains("does not fall back to unencrypted media"), plain.getMessage());
        SdpException keyless = assertThrows(SdpException.class, () -> SdesOffer.negotiate(ours, answer("RTP/SAVP", "")));
        assertTrue(keyless.getMessage().contains("no usable a=crypto:1 AES_CM_128_HMAC_SHA1_80"), keyless.getMessage());
        SdpException otherTag = assertThrows(SdpException.class, () -> SdesOffer.negotiate(ours,
                answer("RTP/SAVP", "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" + THEIRS + "\r\n")));
        assertTrue(otherTag.getMessage().contains("a=crypto:1"), otherTag.getMessage());
    }

    @Test
    void aPlainOfferStaysPlainAndRefusesAnSrtpAnswer() throws Exception {
        assertNull(SdesOffer.negotiate(null, answer("RTP/AVP", "")).srtp());
        assertThrows(SdpException.class, () -> SdesOffer.negotiate(null,
                answer("RTP/SAVP", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + THEIRS + "\r\n")));
    }
}
