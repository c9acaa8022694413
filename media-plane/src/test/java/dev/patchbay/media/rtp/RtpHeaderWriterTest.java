package dev.patchbay.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.patchbay.media.testutil.Allocations;
import dev.patchbay.media.testutil.Hex;

class RtpHeaderWriterTest {

    @Test
    void writesTheSameBytesARealSenderDid() {
        byte[] buf = new byte[12];
        assertEquals(12, RtpHeaderWriter.write(buf, 0, true, 8, 0xE6FD, 240, 0xDEE0EE8FL));
        assertArrayEquals(Hex.bytes("8088 e6fd 000000f0 dee0ee8f"), buf);
        RtpHeaderWriter.write(buf, 0, false, 101, 7991, 13280, 0x0E05384EL);
        assertArrayEquals(Hex.bytes("8065 1f37 000033e0 0e05384e"), buf);
    }

    @Test
    void writesAtAnOffsetAndLeavesTheRestAlone() {
        byte[] buf = Hex.bytes("eeee 000000000000000000000000 eeee");
        RtpHeaderWriter.write(buf, 2, false, 0, 1, 2, 3);
        assertArrayEquals(Hex.bytes("eeee 8000 0001 00000002 00000003 eeee"), buf);
    }

    @Test
    void cutsWrappingCountersToTheirFieldWidth() {
        byte[] buf = new byte[12];
        RtpHeaderWriter.write(buf, 0, false, 0x80 | 18, 0x1_0005, 0x1_0000_0007L, -1L);
        assertArrayEquals(Hex.bytes("8012 0005 00000007 ffffffff"), buf);
    }

    @Test
    void whatIsWrittenParsesBack() {
        byte[] buf = new byte[12 + 160];
        RtpHeaderWriter.write(buf, 0, true, 0, 65535, 0xFFFF_FFFFL, 0x8000_0000L);
        RtpPacket p = new RtpPacket();
        assertEquals(RtpPacket.ParseResult.OK, p.parse(buf, 0, buf.length));
        assertTrue(p.marker());
        assertEquals(0, p.payloadType());
        assertEquals(65535, p.sequence());
        assertEquals(0xFFFF_FFFFL, p.timestamp());
        assertEquals(0x8000_0000L, p.ssrc());
        assertEquals(RtpHeaderWriter.HEADER_BYTES, p.payloadOffset());
        assertEquals(160, p.payloadLength());
    }

    @Test
    void aHeaderThatDoesNotFitIsACallerBug() {
        assertThrows(IndexOutOfBoundsException.class, () -> RtpHeaderWriter.write(new byte[12], 1, false, 0, 0, 0, 0));
    }

    @Tag("allocation")

    @Test
    void writingAllocatesNothing() {
        byte[] buf = new byte[172];
        int[] seq = {0};
        long bytes = Allocations.measure(100_000, () -> {
            RtpHeaderWriter.write(buf, 0, false, 0, seq[0]++, seq[0] * 160L, 42);
        });
        assertTrue(bytes < 1024, "allocated " + bytes + " bytes over 100000 headers");
    }
}
