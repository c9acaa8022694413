package dev.patchbay.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** G.722 in offer/answer: preferred over G.711 by default, ordered or refused by a trunk's order. */
class CodecOrderTest {

    private static final RtpFormat G722 = new RtpFormat(9, "G722", 8000, "");

    /** A caller that lists G.711 first, as many do, but can take G.722 (static payload type 9, no rtpmap). */
    private static final String G711_FIRST = "v=0\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0 8 9 101\r\na=rtpmap:101 telephone-event/8000\r\n";

    @Test
    void g722IsPreferredOverG711WhenTheCallerOffersBoth() throws SdpException {
        Negotiated n = Negotiator.answer(SdpParser.parseAudio(G711_FIRST));
        assertEquals(new RtpFormat(9, "G722", 8000, ""), n.audio());
        assertTrue(n.wideband());
        assertEquals(16000, n.audio().sampleRate());
        String answer = AnswerWriter.write(n, "10.0.0.1", 5000, 1, 1);
        assertTrue(answer.contains("m=audio 5000 RTP/AVP 9 101\r\n"), answer);
        assertTrue(answer.contains("a=rtpmap:9 G722/8000\r\n"), "RFC 3551's clock rate of 8000: " + answer);
    }

    @Test
    void withoutG722TheCallersG711OrderStands() throws SdpException {
        Negotiated n = Negotiator.answer(SdpParser.parseAudio(G711_FIRST.replace(" 0 8 9 101", " 8 0 101")));
        assertEquals("PCMA", n.audio().encoding());
        assertFalse(n.wideband());
    }

    @Test
    void aTrunkOrderRanksAndRefuses() throws SdpException {
        AudioOffer offer = SdpParser.parseAudio(G711_FIRST);
        assertEquals("PCMA", Negotiator.answer(offer, CodecOrder.of(List.of("pcma", "G722"))).audio().encoding());
        assertEquals("PCMU", Negotiator.answer(offer, CodecOrder.of(List.of("PCMU"))).audio().encoding());
        SdpException e = assertThrows(SdpException.class, () -> Negotiator.answer(
                SdpParser.parseAudio(G711_FIRST.replace(" 0 8 9 101", " 9 101")), CodecOrder.of(List.of("PCMU", "PCMA"))));
        assertEquals("no common codec: Patchbay accepts PCMU/8000 or PCMA/8000", e.getMessage());
        assertEquals(List.of("PCMA", "G722"), CodecOrder.of(List.of("PCMA", "G722")).names());
    }

    @Test
    void aBadOrderNamesTheCodec() {
        assertEquals("unknown codec 'G729'; Patchbay speaks [OPUS, G722, PCMU, PCMA]",
                assertThrows(IllegalArgumentException.class, () -> CodecOrder.of(List.of("G722", "G729"))).getMessage());
        assertEquals("codec PCMU is listed twice",
                assertThrows(IllegalArgumentException.class, () -> CodecOrder.of(List.of("PCMU", "pcmu"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CodecOrder.of(List.of()));
    }

    @Test
    void ourOfferIsG711AndAnAnswerPickingG722OrMovingPcmuIsRefused() throws SdpException {
        String offer = OfferWriter.write("10.0.0.1", 5000, 7);
        assertTrue(offer.contains("m=audio 5000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"), offer);
        assertFalse(AnswerCheck.settle(SdpParser.parseAudio(
                "v=0\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n"), null).wideband());
        assertEquals("the answer picked no codec of the offer: Patchbay offered PCMU/8000 and PCMA/8000",
                assertThrows(SdpException.class, () -> AnswerCheck.settle(SdpParser.parseAudio(
                        "v=0\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n"), null)).getMessage());
        assertThrows(SdpException.class, () -> AnswerCheck.settle(SdpParser.parseAudio(
                "v=0\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 97\r\na=rtpmap:97 PCMU/8000\r\n"), null),
                "PCMU moved off the payload type it was offered at");
        String again = OfferWriter.write("10.0.0.1", 5000, 7, 8, null, Direction.SENDRECV, G722);
        assertTrue(again.contains("m=audio 5000 RTP/AVP 9 101\r\na=rtpmap:9 G722/8000\r\na=rtpmap:101"), again);
        assertTrue(AnswerCheck.settle(SdpParser.parseAudio(
                "v=0\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n"), null, G722).wideband());
    }
}
