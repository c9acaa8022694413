package dev.patchbay.media.sdp;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any INVITE body: {@link SdpParser#parseAudio} returns an offer or throws {@link SdpException}, nothing
 * else; an offer has values a call can use (a port, payload types, ptime in range); written back as SDP it
 * parses to the same offer; and {@link Negotiator} either answers it with an SDP that parses or refuses
 * with {@link SdpException}. Regression inputs: src/test/resources/dev/patchbay/media/sdp/SdpFuzzTestInputs/.
 */
class SdpFuzzTest {

    @FuzzTest(maxDuration = "12h") // ./patchbay fuzz ends a run after the minutes it is given
    void parseAudio(byte[] body) throws SdpException {
        AudioOffer offer;
        try {
            offer = SdpParser.parseAudio(new String(body, StandardCharsets.UTF_8));
        } catch (SdpException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        assertTrue(offer.port() >= 0 && offer.port() <= 65535, "port " + offer.port());
        assertTrue(offer.ptimeMs() >= 0, "ptime " + offer.ptimeMs());
        assertTrue(!offer.address().isEmpty(), "empty address");
        for (RtpFormat f : offer.formats()) {
            assertTrue(f.payloadType() >= 0 && f.payloadType() <= 127, "payload type " + f.payloadType());
            assertTrue(f.clockRate() >= 0, "clock rate " + f.clockRate());
        }
        assertEquals(offer, SdpParser.parseAudio(write(offer)), "parsed, written and parsed again");

        Negotiated answer;
        try {
            answer = Negotiator.answer(offer);
        } catch (SdpException refused) {
            return;
        }
        AudioOffer ours = SdpParser.parseAudio(AnswerWriter.write(answer, "192.0.2.1", 10000, 1, 1));
        assertEquals(answer.audio().payloadType(), ours.formats().getFirst().payloadType());
        assertEquals(offer.direction().answer(), ours.direction());
    }

    /** The offer as SDP with everything {@link SdpParser} reads, one attribute per line. */
    private static String write(AudioOffer o) {
        StringBuilder sb = new StringBuilder("v=0\r\no=- 1 1 IN IP4 ").append(o.address()).append("\r\ns=-\r\n")
                .append("c=IN ").append(o.address().indexOf(':') >= 0 ? "IP6 " : "IP4 ").append(o.address()).append("\r\n")
                .append("t=0 0\r\nm=audio ").append(o.port()).append(' ').append(o.profile());
        for (RtpFormat f : o.formats()) {
            sb.append(' ').append(f.payloadType());
        }
        sb.append("\r\n");
        for (RtpFormat f : o.formats()) {
            if (f.clockRate() > 0) { // 0 only for a dynamic type without a=rtpmap: write none back
                sb.append("a=rtpmap:").append(f.payloadType()).append(' ').append(f.encoding()).append('/')
                        .append(f.clockRate()).append("\r\n");
            }
            if (!f.fmtp().isEmpty()) {
                sb.append("a=fmtp:").append(f.payloadType()).append(' ').append(f.fmtp()).append("\r\n");
            }
        }
        for (String c : o.crypto()) {
            sb.append("a=crypto:").append(c).append("\r\n");
        }
        if (o.ptimeMs() > 0) {
            sb.append("a=ptime:").append(o.ptimeMs()).append("\r\n");
        }
        return sb.append("a=").append(o.direction().attribute()).append("\r\n").toString();
    }
}
