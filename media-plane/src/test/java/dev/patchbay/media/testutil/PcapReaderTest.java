package dev.patchbay.media.testutil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The reader is test infrastructure, but a wrong reader would make the DTMF capture test lie. */
class PcapReaderTest {

    private static final String IPV4_UDP_HEADERS =
            "4500 0020 0000 0000 4011 0000 c0a80003 c0a80001" // IPv4, 32 bytes, UDP
            + "c018 2710 000c 0000";                           // UDP 49176 -> 10000, length 12
    private static final String PAYLOAD = "01020304";

    @Test
    void readsEthernetLittleEndianCapture() throws IOException {
        byte[] pcap = capture("d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000",
                true, "0050bf990336 000d8714ac24 0800" + IPV4_UDP_HEADERS + PAYLOAD);
        List<PcapReader.Datagram> d = PcapReader.udpPayloads(pcap, "eth");
        assertEquals(1, d.size());
        assertEquals(49176, d.get(0).sourcePort());
        assertEquals(10000, d.get(0).destinationPort());
        assertArrayEquals(Hex.bytes(PAYLOAD), d.get(0).payload());
        assertEquals(7_000_005L, d.get(0).timestampMicros());
    }

    @Test
    void readsVlanTaggedAndLinuxCookedAndBigEndianCaptures() throws IOException {
        byte[] vlan = capture("d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000",
                true, "0050bf990336 000d8714ac24 8100 0064 0800" + IPV4_UDP_HEADERS + PAYLOAD);
        assertArrayEquals(Hex.bytes(PAYLOAD), PcapReader.udpPayloads(vlan, "vlan").get(0).payload());

        byte[] sll = capture("a1b2c3d4 0002 0004 00000000 00000000 0000ffff 00000071",
                false, "0000 0001 0006 000d8714ac24 0000 0800" + IPV4_UDP_HEADERS + PAYLOAD);
        assertArrayEquals(Hex.bytes(PAYLOAD), PcapReader.udpPayloads(sll, "sll").get(0).payload());
    }

    @Test
    void skipsWhatIsNotUdpAndRefusesPcapng() throws IOException {
        String tcp = IPV4_UDP_HEADERS.replace("4011", "4006");
        byte[] pcap = capture("d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000",
                true, "0050bf990336 000d8714ac24 0800" + tcp + PAYLOAD);
        assertEquals(0, PcapReader.udpPayloads(pcap, "tcp").size());
        assertThrows(IOException.class, () -> PcapReader.udpPayloads(Hex.bytes("0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000"), "ng"));
    }

    /** A global header plus one record at 7.000005 s holding {@code frame}. */
    private static byte[] capture(String globalHeader, boolean littleEndian, String frame) {
        byte[] f = Hex.bytes(frame);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Hex.bytes(globalHeader));
        for (int v : new int[] {7, 5, f.length, f.length}) {
            out.writeBytes(littleEndian
                    ? new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)}
                    : new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v});
        }
        out.writeBytes(f);
        return out.toByteArray();
    }
}
