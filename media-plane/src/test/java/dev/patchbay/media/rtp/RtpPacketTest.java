package dev.patchbay.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.patchbay.media.rtp.RtpPacket.ParseResult;
import dev.patchbay.media.testutil.Allocations;
import dev.patchbay.media.testutil.Hex;

class RtpPacketTest {

    private final RtpPacket packet = new RtpPacket();

    /** First packet of SIPp's g711a.pcap: PCMA, marker set, 160 bytes of A-law. */
    @Test
    void parsesARealPcmaPacket() {
        byte[] wire = new byte[12 + 160];
        System.arraycopy(Hex.bytes("8088 e6fd 000000f0 dee0ee8f"), 0, wire, 0, 12);
        java.util.Arrays.fill(wire, 12, wire.length, (byte) 0xD5);

        assertEquals(ParseResult.OK, packet.parse(wire, 0, wire.length));
        assertEquals(2, packet.version());
        assertTrue(packet.marker());
        assertEquals(8, packet.payloadType());
        assertEquals(0xE6FD, packet.sequence());
        assertEquals(240, packet.timestamp());
        assertEquals(0xDEE0EE8FL, packet.ssrc());
        assertFalse(packet.padding());
        assertFalse(packet.extension());
        assertEquals(0, packet.csrcCount());
        assertEquals(12, packet.payloadOffset());
        assertEquals(160, packet.payloadLength());
        assertEquals(12, packet.headerLength());
        assertEquals(-1, packet.extensionProfile());
    }

    /** First packet of SIPp's dtmf_2833_1.pcap: telephone-event PT 101, digit 1 begins. */
    @Test
    void parsesARealTelephoneEventPacket() {
        byte[] wire = Hex.bytes("80e5 1f30 000033e0 0e05384e  010a0000");
        assertEquals(ParseResult.OK, packet.parse(wire, 0, wire.length));
        assertTrue(packet.marker());
        assertEquals(101, packet.payloadType());
        assertEquals(7984, packet.sequence());
        assertEquals(13280, packet.timestamp());
        assertEquals(0x0E05384EL, packet.ssrc());
        assertEquals(12, packet.payloadOffset());
        assertEquals(4, packet.payloadLength());
    }

    @Test
    void unsignedFieldsUseTheirFullRange() {
        byte[] wire = Hex.bytes("807f ffff ffffffff ffffffff");
        assertEquals(ParseResult.OK, packet.parse(wire, 0, wire.length));
        assertFalse(packet.marker());
        assertEquals(127, packet.payloadType());
        assertEquals(65535, packet.sequence());
        assertEquals(0xFFFF_FFFFL, packet.timestamp());
        assertEquals(0xFFFF_FFFFL, packet.ssrc());
        assertEquals(0, packet.payloadLength(), "an empty payload is legal");
    }

    @Test
    void skipsCsrcsExtensionAndPadding() {
        byte[] wire = Hex.bytes(
                "b2 00 0001 00000002 00000003"  // V=2 P=1 X=1 CC=2, PT 0
                + "11111111 22222222"           // two CSRCs
                + "bede 0002 10aa0000 00000000" // one-byte-header extension, 2 words
                + "ffff"                        // payload
                + "000003");                    // 3 bytes of padding
        assertEquals(ParseResult.OK, packet.parse(wire, 0, wire.length));
        assertTrue(packet.padding());
        assertTrue(packet.extension());
        assertEquals(2, packet.csrcCount());
        assertEquals(0x11111111L, packet.csrc(0));
        assertEquals(0x22222222L, packet.csrc(1));
        assertThrows(IndexOutOfBoundsException.class, () -> packet.csrc(2));
        assertEquals(0xBEDE, packet.extensionProfile());
        assertEquals(24, packet.extensionOffset());
        assertEquals(8, packet.extensionLength());
        assertEquals(32, packet.headerLength());
        assertEquals(32, packet.payloadOffset());
        assertEquals(2, packet.payloadLength());
        assertEquals(3, packet.paddingLength());
    }

    @Test
    void extensionWithNoDataIsLegal() {
        byte[] wire = Hex.bytes("9000 0001 00000002 00000003 bede0000 abcd");
        assertEquals(ParseResult.OK, packet.parse(wire, 0, wire.length));
        assertEquals(16, packet.payloadOffset());
        assertEquals(2, packet.payloadLength());
        assertEquals(0, packet.extensionLength());
    }

    @Test
    void offsetsAreAbsoluteWhenThePacketSitsInsideALargerBuffer() {
        byte[] buf = Hex.bytes("eeeeeeee 8100 0007 00000009 0000000a 12345678 abcd eeee");
        assertEquals(ParseResult.OK, packet.parse(buf, 4, 18));
        assertEquals(1, packet.csrcCount());
        assertEquals(0x12345678L, packet.csrc(0));
        assertEquals(7, packet.sequence());
        assertEquals(4, packet.offset());
        assertEquals(20, packet.payloadOffset());
        assertEquals(2, packet.payloadLength());
        assertEquals((byte) 0xAB, packet.buffer()[packet.payloadOffset()]);
    }

    @Test
    void theViewIsReusable() {
        byte[] a = Hex.bytes("8000 0001 00000001 00000001 aa");
        byte[] b = Hex.bytes("a008 0002 00000002 00000002 bbbb 02");
        assertEquals(ParseResult.OK, packet.parse(a, 0, a.length));
        assertEquals(1, packet.payloadLength());
        assertEquals(ParseResult.OK, packet.parse(b, 0, b.length));
        assertEquals(8, packet.payloadType());
        assertEquals(2, packet.sequence());
        assertEquals(1, packet.payloadLength());
        assertEquals(2, packet.paddingLength());
    }

    @Test
    void rejectsEveryKindOfMalformedPacket() {
        for (int len = 0; len < 12; len++) {
            assertEquals(ParseResult.TOO_SHORT, packet.parse(Hex.bytes("8000000100000001000000010000"), 0, len), "len " + len);
        }
        assertEquals(ParseResult.BAD_VERSION, parse("0000 0001 00000001 00000001"));
        assertEquals(ParseResult.BAD_VERSION, parse("4000 0001 00000001 00000001"));
        assertEquals(ParseResult.BAD_VERSION, parse("c000 0001 00000001 00000001"));
        // STUN binding request on the RTP port (ICE / NAT keepalive): first two bits are 00.
        assertEquals(ParseResult.BAD_VERSION, parse("0001 0000 2112a442 000000000000000000000000"));

        assertEquals(ParseResult.CSRC_OVERRUN, parse("8f00 0001 00000001 00000001"));
        assertEquals(ParseResult.CSRC_OVERRUN, parse("8200 0001 00000001 00000001 11111111"));

        assertEquals(ParseResult.EXTENSION_OVERRUN, parse("9000 0001 00000001 00000001"));
        assertEquals(ParseResult.EXTENSION_OVERRUN, parse("9000 0001 00000001 00000001 bede"));
        assertEquals(ParseResult.EXTENSION_OVERRUN, parse("9000 0001 00000001 00000001 bede0001"));
        assertEquals(ParseResult.EXTENSION_OVERRUN, parse("9000 0001 00000001 00000001 bede0002 00000000 000000"));
        assertEquals(ParseResult.EXTENSION_OVERRUN, parse("9100 0001 00000001 00000001 22222222 bedeffff 00"));

        assertEquals(ParseResult.BAD_PADDING, parse("a000 0001 00000001 00000001 aabb00"), "count 0");
        assertEquals(ParseResult.BAD_PADDING, parse("a000 0001 00000001 00000001 aabb04"), "eats into the header");
        assertEquals(ParseResult.BAD_PADDING, parse("a000 0001 00000001 00000001"), "no room for the count byte");
        assertEquals(ParseResult.OK, parse("a000 0001 00000001 00000001 aabb03"), "all padding, empty payload");
        assertEquals(0, packet.payloadLength());
    }

    @Test
    void recognisesRtcpMultiplexedOnTheRtpPort() {
        // Sender report header, receiver report with no blocks (8 bytes), then SDES, BYE, APP,
        // and the AVPF feedback and XR types that browsers and SBCs also send.
        String[] rtcp = {
            "80c8 0006 0e05384e e1a2b3c4 d5e6f708 000033e0 00000010 00000a00",
            "80c9 0001 0e05384e",
            "81ca 0003 0e05384e 0105 6162 6364 6500",
            "81cb 0001 0e05384e",
            "80cc 0002 0e05384e 6e616d65",
            "81cd 0002 0e05384e 00000000",
            "81ce 0002 0e05384e 00000000",
            "80cf 0001 0e05384e",
        };
        for (String hex : rtcp) {
            byte[] wire = Hex.bytes(hex);
            assertTrue(RtpPacket.isRtcp(wire, 0, wire.length), hex);
            assertEquals(ParseResult.RTCP, packet.parse(wire, 0, wire.length), hex);
        }
        // RTP with the marker set on ordinary payload types is not RTCP.
        for (String hex : new String[] {"8080 0001 00000001 00000001", "80e5 1f30 000033e0 0e05384e", "8088 0001 00000001 00000001"}) {
            byte[] wire = Hex.bytes(hex);
            assertFalse(RtpPacket.isRtcp(wire, 0, wire.length), hex);
            assertEquals(ParseResult.OK, packet.parse(wire, 0, wire.length), hex);
        }
        assertFalse(RtpPacket.isRtcp(Hex.bytes("80c8 0006 0e05"), 0, 6), "shorter than any RTCP packet");
        assertFalse(RtpPacket.isRtcp(Hex.bytes("40c8 0006 0e05384e"), 0, 8), "wrong version");
    }

    @Test
    void aRangeOutsideTheBufferIsACallerBug() {
        assertThrows(IndexOutOfBoundsException.class, () -> packet.parse(new byte[20], 10, 12));
        assertThrows(IndexOutOfBoundsException.class, () -> packet.parse(new byte[20], -1, 12));
    }

    @Tag("allocation")

    @Test
    void parsingAllocatesNothing() {
        byte[] wire = Hex.bytes("b2 00 0001 00000002 00000003 11111111 22222222 bede0001 10aa0000 ffff 0002");
        long bytes = Allocations.measure(100_000, () -> {
            packet.parse(wire, 0, wire.length);
            packet.sequence();
            packet.timestamp();
            packet.ssrc();
        });
        assertTrue(bytes < 1024, "allocated " + bytes + " bytes over 100000 packets");
    }

    private ParseResult parse(String hex) {
        byte[] wire = Hex.bytes(hex);
        return packet.parse(wire, 0, wire.length);
    }
}
