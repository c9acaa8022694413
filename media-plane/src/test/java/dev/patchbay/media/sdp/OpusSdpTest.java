package dev.patchbay.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Opus (RFC 7587) in offer/answer: chosen over G.711, after G.722, at the caller's payload type, with our fmtp. */
class OpusSdpTest {

    /** A WebRTC gateway's offer as they come: G.711 first, Opus at a dynamic type with its fmtp, events at 48 and 8 kHz. */
    private static final String OFFER = "v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0 107 101 100\r\n"
            + "a=rtpmap:107 opus/48000/2\r\n"
            + "a=fmtp:107 useinbandfec=1; usedtx=1; maxplaybackrate=24000; maxaveragebitrate=20000\r\n"
            + "a=rtpmap:101 telephone-event/48000\r\na=rtpmap:100 telephone-event/8000\r\n";

    @Test
    void opusIsChosenOverG711AtTheCallersPayloadTypeAndAnsweredWithWhatWeDo() throws SdpException {
        Negotiated n = Negotiator.answer(SdpParser.parseAudio(OFFER));
        assertEquals(107, n.audio().payloadType());
        assertTrue(n.audio().isOpus());
        assertTrue(n.wideband(), "an Opus call runs at 16 kHz");
        assertEquals(16000, n.audio().sampleRate());
        assertEquals(48000, n.audio().clockRate(), "the RTP clock stays 48 kHz");
        assertEquals(101, n.telephoneEvent().payloadType(), "events at the voice's clock, 48 kHz (RFC 4733 §2.1)");
        String answer = AnswerWriter.write(n, "10.0.0.1", 5000, 1, 1);
        assertTrue(answer.contains("m=audio 5000 RTP/AVP 107 101\r\n"), answer);
        assertTrue(answer.contains("a=rtpmap:101 telephone-event/48000\r\n"), answer);
        assertTrue(answer.contains("a=rtpmap:107 opus/48000/2\r\n"), "RFC 7587: always /2: " + answer);
        assertTrue(answer.contains("a=fmtp:107 maxplaybackrate=16000;sprop-maxcapturerate=16000;stereo=0;sprop-stereo=0;"
                + "useinbandfec=1;usedtx=0\r\n"), answer);
    }

    @Test
    void telephoneEventsAreTakenOnlyAtTheVoicesClock() throws SdpException {
        assertNull(Negotiator.answer(SdpParser.parseAudio(OFFER.replace(" 107 101 100", " 107 100")
                .replace("a=rtpmap:101 telephone-event/48000\r\n", ""))).telephoneEvent(),
                "Opus with events at 8 kHz only: digits go in-band");
        Negotiated g711 = Negotiator.answer(SdpParser.parseAudio(OFFER.replace(" 0 107 101 100", " 0 101 100")
                .replace("a=rtpmap:107 opus/48000/2\r\n", "")));
        assertEquals("PCMU", g711.audio().encoding());
        assertEquals(100, g711.telephoneEvent().payloadType(), "PCMU takes the 8 kHz events, not the 48 kHz ones listed first");
    }

    @Test
    void theCallersFmtpIsReadAsWhatItAsksOfOurEncoder() throws SdpException {
        OpusParams p = OpusParams.parse(Negotiator.answer(SdpParser.parseAudio(OFFER)).audio().fmtp());
        assertEquals(new OpusParams(24000, 20000, true, true, false), p);
        assertEquals(new OpusParams(48000, 0, false, false, false), OpusParams.parse(""), "RFC 7587's defaults");
        assertEquals(new OpusParams(48000, 0, false, false, true), OpusParams.parse("stereo=1;maxplaybackrate=x"),
                "a malformed number keeps the default rather than failing the call");
    }

    @Test
    void g722GoesBeforeOpusByDefaultAndATrunkOrderCanChangeThatAndOpusNeedsItsClock() throws SdpException {
        AudioOffer offer = SdpParser.parseAudio(OFFER.replace(" 0 107 101", " 0 107 9 101"));
        assertEquals("G722", Negotiator.answer(offer).audio().encoding(), "Opus's CPU per call is far above G.722's");
        assertEquals("opus", Negotiator.answer(offer, CodecOrder.of(List.of("OPUS", "G722"))).audio().encoding());
        assertEquals("PCMU", Negotiator.answer(offer, CodecOrder.of(List.of("PCMU", "OPUS"))).audio().encoding());
        assertFalse(Negotiator.answer(SdpParser.parseAudio(OFFER.replace("opus/48000/2", "opus/16000")))
                .audio().isOpus(), "Opus is only ever 48000/2 in SDP; anything else is not Opus");
        assertEquals(List.of("G722", "OPUS", "PCMU", "PCMA"), CodecOrder.DEFAULT.names());
    }

    @Test
    void anOpusCallIsReofferedOpusAloneAndKeepsIt() throws SdpException {
        Negotiated n = Negotiator.answer(SdpParser.parseAudio(OFFER));
        String again = OfferWriter.write("10.0.0.1", 5000, 7, 8, null, Direction.SENDRECV, n.audio());
        assertTrue(again.contains("m=audio 5000 RTP/AVP 107\r\na=rtpmap:107 opus/48000/2\r\na=fmtp:107 maxplaybackrate=16000"),
                again);
        assertFalse(again.contains("telephone-event"), again);
        String reply = "v=0\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 107\r\na=rtpmap:107 OPUS/48000/2\r\n";
        assertTrue(AnswerCheck.settle(SdpParser.parseAudio(reply), null, n.audio()).audio().isOpus());
        assertEquals("the answer moved OPUS to payload type 108; it was offered at 107", assertThrows(SdpException.class,
                () -> AnswerCheck.settle(SdpParser.parseAudio(reply.replace("107", "108")), null, n.audio())).getMessage());
        CodecOrder same = CodecOrder.sameRate(n);
        assertEquals(List.of("OPUS"), same.names(), "a re-INVITE keeps an Opus call on Opus: its encoder state is Opus's");
    }
}
