package dev.patchbay.media.dtmf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.patchbay.media.dtmf.Rfc4733Receiver.Result;
import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.media.testutil.Hex;
import dev.patchbay.media.testutil.PcapReader;

/**
 * Replays the RFC 2833/4733 captures shipped with SIPp (Debian package {@code sip-tester}). They are
 * read from the installed package rather than copied in, because SIPp is GPL-2.0+; point
 * {@code -Dpatchbay.sipp.pcaps=DIR} elsewhere if they live somewhere else. Without them these tests
 * fail, and {@link Rfc4733ReceiverTest} still covers the same wire bytes inline.
 */
class Rfc4733CaptureTest {

    private static final Path PCAPS = Path.of(System.getProperty("patchbay.sipp.pcaps", "/usr/share/sip-tester"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "dtmf_2833_0.pcap, 0", "dtmf_2833_1.pcap, 1", "dtmf_2833_2.pcap, 2", "dtmf_2833_3.pcap, 3",
        "dtmf_2833_4.pcap, 4", "dtmf_2833_5.pcap, 5", "dtmf_2833_6.pcap, 6", "dtmf_2833_7.pcap, 7",
        "dtmf_2833_8.pcap, 8", "dtmf_2833_9.pcap, 9", "dtmf_2833_star.pcap, *", "dtmf_2833_pound.pcap, #",
    })
    void eachCaptureYieldsExactlyItsOneDigit(String file, char expected) throws IOException {
        List<PcapReader.Datagram> datagrams = capture(file);
        Rfc4733Receiver receiver = new Rfc4733Receiver();
        RtpPacket packet = new RtpPacket();
        StringBuilder began = new StringBuilder();
        StringBuilder ended = new StringBuilder();
        int endPackets = 0;
        int lastSequence = -1;
        for (PcapReader.Datagram d : datagrams) {
            byte[] wire = d.payload();
            assertEquals(RtpPacket.ParseResult.OK, packet.parse(wire, 0, wire.length));
            assertEquals(101, packet.payloadType());
            if ((wire[packet.payloadOffset() + 1] & 0x80) != 0) {
                // The capture itself shows the three end packets sharing one sequence number.
                assertTrue(endPackets == 0 || packet.sequence() == lastSequence);
                endPackets++;
                lastSequence = packet.sequence();
            }
            Result r = receiver.feed(packet);
            if (r.began()) {
                began.append(receiver.digit());
            }
            if (r.ended()) {
                ended.append(receiver.endedDigit());
                assertTrue(receiver.endConfirmed());
                assertEquals(0x8c0, receiver.endedDuration());
            }
        }
        assertEquals(10, datagrams.size());
        assertEquals(3, endPackets);
        assertEquals(String.valueOf(expected), began.toString());
        assertEquals(String.valueOf(expected), ended.toString());
        assertEquals(0, receiver.malformed() + receiver.ignoredEvents() + receiver.stalePackets() + receiver.unconfirmedEnds());
    }

    @Test
    void theInlineCopyOfDigitOneIsByteForByteTheCapture() throws IOException {
        List<PcapReader.Datagram> datagrams = capture("dtmf_2833_1.pcap");
        assertEquals(Rfc4733ReceiverTest.SIPP_DIGIT_1.size(), datagrams.size());
        for (int i = 0; i < datagrams.size(); i++) {
            assertArrayEquals(Hex.bytes(Rfc4733ReceiverTest.SIPP_DIGIT_1.get(i)), datagrams.get(i).payload(), "packet " + i);
        }
    }

    private static List<PcapReader.Datagram> capture(String file) throws IOException {
        Path path = PCAPS.resolve(file);
        assertTrue(Files.isReadable(path), path + " not found: apt-get install sip-tester (./patchbay test does)");
        return PcapReader.udpPayloads(path);
    }
}
