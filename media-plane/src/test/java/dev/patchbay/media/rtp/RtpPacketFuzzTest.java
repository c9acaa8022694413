package dev.patchbay.media.rtp;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any datagram on an RTP port: {@link RtpPacket#parse} returns a result, never throws, and on OK its
 * parts tile the datagram exactly (header, payload and padding, all inside it). Regression inputs are in
 * src/test/resources/dev/patchbay/media/rtp/RtpPacketFuzzTestInputs/; {@code ./patchbay fuzz} fuzzes.
 */
class RtpPacketFuzzTest {

    @FuzzTest(maxDuration = "12h") // ./patchbay fuzz ends a run after the minutes it is given
    void parse(byte[] datagram) {
        // At an offset inside a larger buffer, as the receive loop reads it.
        byte[] buf = new byte[datagram.length + 7];
        System.arraycopy(datagram, 0, buf, 3, datagram.length);
        RtpPacket p = new RtpPacket();
        RtpPacket.ParseResult r = p.parse(buf, 3, datagram.length);
        assertNotNull(r);
        if (r != RtpPacket.ParseResult.OK) {
            return;
        }
        assertEquals(2, p.version());
        assertFalse(RtpPacket.isRtcp(buf, 3, datagram.length), "OK for an RTCP-looking datagram");
        assertTrue(p.headerLength() >= RtpPacket.FIXED_HEADER_BYTES + 4 * p.csrcCount());
        assertTrue(p.payloadLength() >= 0 && p.paddingLength() >= 0);
        assertEquals(datagram.length, p.headerLength() + p.payloadLength() + p.paddingLength(), "parts tile the datagram");
        assertEquals(p.padding(), p.paddingLength() > 0);
        assertEquals(p.extension(), p.extensionOffset() >= 0);
        if (p.extension()) {
            assertTrue(p.extensionOffset() + p.extensionLength() <= p.payloadOffset());
        }
        for (int i = 0; i < p.csrcCount(); i++) {
            assertTrue(p.csrc(i) >= 0);
        }
        // The header the media-plane writes for these fields reads back the same.
        byte[] written = new byte[RtpHeaderWriter.HEADER_BYTES];
        RtpHeaderWriter.write(written, 0, p.marker(), p.payloadType(), p.sequence(), p.timestamp(), p.ssrc());
        RtpPacket again = new RtpPacket();
        if (again.parse(written, 0, written.length) == RtpPacket.ParseResult.OK) {
            assertEquals(p.sequence(), again.sequence());
            assertEquals(p.timestamp(), again.timestamp());
            assertEquals(p.ssrc(), again.ssrc());
            assertEquals(p.payloadType(), again.payloadType());
            assertEquals(p.marker(), again.marker());
        }
    }
}
