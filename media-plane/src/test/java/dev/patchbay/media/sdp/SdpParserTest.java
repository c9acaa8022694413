package dev.patchbay.media.sdp;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SdpParserTest {

    /** What SIPp's uac_pcap scenario offers. */
    private static final String SIPP_OFFER = """
            v=0\r
            o=user1 53655765 2353687637 IN IP4 127.0.0.1\r
            s=-\r
            c=IN IP4 127.0.0.1\r
            t=0 0\r
            m=audio 6000 RTP/AVP 8 101\r
            a=rtpmap:8 PCMA/8000\r
            a=rtpmap:101 telephone-event/8000\r
            a=fmtp:101 0-11,16\r
            """;

    @Test
    void readsSippOffer() throws SdpException {
        AudioOffer offer = SdpParser.parseAudio(SIPP_OFFER);
        assertEquals("127.0.0.1", offer.address());
        assertEquals(6000, offer.port());
        assertEquals(List.of(new RtpFormat(8, "PCMA", 8000, ""), new RtpFormat(101, "telephone-event", 8000, "0-11,16")),
                offer.formats());
        assertEquals(Direction.SENDRECV, offer.direction());
        assertEquals(0, offer.ptimeMs());
    }

    @Test
    void mediaLevelConnectionAndDirectionWin() throws SdpException {
        AudioOffer offer = SdpParser.parseAudio("v=0\nc=IN IP4 10.0.0.1\na=sendonly\nm=audio 4000 RTP/AVP 0\n"
                + "c=IN IP4 192.0.2.7\na=recvonly\na=ptime:30\n");
        assertEquals("192.0.2.7", offer.address());
        assertEquals(Direction.RECVONLY, offer.direction());
        assertEquals(30, offer.ptimeMs());
        assertEquals(new RtpFormat(0, "PCMU", 8000, ""), offer.formats().get(0), "static PT 0 needs no rtpmap");
    }

    @Test
    void onlyFirstAudioStreamCounts() throws SdpException {
        AudioOffer offer = SdpParser.parseAudio("v=0\nc=IN IP4 1.2.3.4\nm=video 5000 RTP/AVP 96\n"
                + "m=audio 4000 RTP/AVP 0\nm=audio 4002 RTP/AVP 8\n");
        assertEquals(4000, offer.port());
        assertEquals(1, offer.formats().size());
    }

    @Test
    void rejectsBrokenOffersPrecisely() {
        assertTrue(assertThrows(SdpException.class, () -> SdpParser.parseAudio("")).getMessage().contains("empty"));
        assertTrue(assertThrows(SdpException.class, () -> SdpParser.parseAudio("v=0\nc=IN IP4 1.2.3.4\n"))
                .getMessage().contains("no audio"));
        assertTrue(assertThrows(SdpException.class, () -> SdpParser.parseAudio("v=0\nm=audio 4000 RTP/AVP 0\n"))
                .getMessage().contains("connection address"));
        assertTrue(assertThrows(SdpException.class, () -> SdpParser.parseAudio("v=0\nc=IN IP4 1.2.3.4\nm=audio x RTP/AVP 0\n"))
                .getMessage().contains("m= port"));
        assertTrue(assertThrows(SdpException.class, () -> SdpParser.parseAudio("garbage"))
                .getMessage().contains("malformed SDP line"));
    }

    @Test
    void negotiatesFirstG711AndTelephoneEventAtCallersType() throws SdpException {
        Negotiated n = Negotiator.answer(SdpParser.parseAudio("v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP 18 8 0 96\n"
                + "a=rtpmap:18 G729/8000\na=rtpmap:96 telephone-event/8000\na=sendonly\n"));
        assertEquals("PCMA", n.audio().encoding());
        assertEquals(96, n.telephoneEvent().payloadType());
        assertEquals(Direction.RECVONLY, n.direction());
        assertEquals(20, n.callerPtimeMs());
    }

    @Test
    void noCommonCodecIsAnError() {
        SdpException e = assertThrows(SdpException.class, () -> Negotiator.answer(SdpParser.parseAudio(
                "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP 18\na=rtpmap:18 G729/8000\n")));
        assertTrue(e.getMessage().contains("no common codec"));
        assertThrows(SdpException.class, () -> Negotiator.answer(SdpParser.parseAudio(
                "v=0\nc=IN IP4 1.2.3.4\nm=audio 0 RTP/AVP 0\n")), "port 0 disables the stream");
    }

    @Test
    void answerHoldsOnlyWhatWasAccepted() throws SdpException {
        Negotiated n = Negotiator.answer(SdpParser.parseAudio(SIPP_OFFER));
        String answer = AnswerWriter.write(n, "127.0.0.1", 10002, 7, 7);
        assertEquals("""
                v=0\r
                o=patchbay 7 7 IN IP4 127.0.0.1\r
                s=patchbay\r
                c=IN IP4 127.0.0.1\r
                t=0 0\r
                m=audio 10002 RTP/AVP 8 101\r
                a=rtpmap:8 PCMA/8000\r
                a=rtpmap:101 telephone-event/8000\r
                a=fmtp:101 0-16\r
                a=ptime:20\r
                a=sendrecv\r
                """, answer);
        Negotiated noEvents = Negotiator.answer(SdpParser.parseAudio("v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP 0\n"));
        assertNull(noEvents.telephoneEvent());
        assertTrue(AnswerWriter.write(noEvents, "::1", 10004, 1, 1).contains("m=audio 10004 RTP/AVP 0\r\n"));
    }

    @Test
    void numbersOutOfRangeAndStrayControlCharactersAreRefused() {
        for (String bad : new String[] {"m=audio 65536 RTP/AVP 0", "m=audio -1 RTP/AVP 0", "m=audio +5 RTP/AVP 0",
                "m=audio 4000 RTP/AVP 128", "m=audio 4000 RTP/AVP 0\na=ptime:-20", "m=audio 4000 RTP/AVP 96\na=rtpmap:96 x/0",
                "m=audio 4000 RTP/AVP 0\na=ptime:\u0665", "m=audio 4000 RTP/AVP 0\na=ptime:99999999999"}) {
            SdpException e = assertThrows(SdpException.class, () -> SdpParser.parseAudio("v=0\nc=IN IP4 1.2.3.4\n" + bad + "\n"), bad);
            assertTrue(e.getMessage().contains("must be"), e.getMessage());
        }
        // Found by fuzzing: a lone CR stayed inside the connection address.
        assertTrue(assertThrows(SdpException.class, () -> SdpParser.parseAudio("v=0\nc=IN IP4 1.2.3.4\r x\nm=audio 4000 RTP/AVP 0\n"))
                .getMessage().contains("line 2"));
        assertThrows(SdpException.class, () -> SdpParser.parseAudio("v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP 96\na=rtpmap:96 a\u0000b/8000\n"));
        assertThrows(SdpException.class, () -> SdpParser.parseAudio("v=0\nc=IN IP4 /127\nm=audio 4000 RTP/AVP 0\n"), "no address");
        // Found by fuzzing: vertical tabs stayed inside the connection address.
        assertTrue(assertThrows(SdpException.class,
                () -> SdpParser.parseAudio("v=0\nc=IN IP4 1.2.3.4\u000b\u000b 0\nm=audio 4000 RTP/AVP 0\n"))
                .getMessage().contains("control or non-ASCII character"));
        assertThrows(SdpException.class, () -> SdpParser.parseAudio("v=0\nc=IN IP4 1.2.3.\u0664\nm=audio 4000 RTP/AVP 0\n"));
    }
}
