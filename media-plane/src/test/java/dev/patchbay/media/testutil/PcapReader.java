package dev.patchbay.media.testutil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the UDP payloads out of a classic libpcap capture, so tests can replay real wire bytes.
 * Test-only and deliberately small: it handles the link types captures of SIP/RTP traffic come in
 * (Ethernet with optional VLAN tags, Linux cooked v1 and v2, raw IP, BSD loopback), IPv4 and IPv6
 * without extension headers, and skips IP fragments and anything that is not UDP. pcapng is refused.
 */
public final class PcapReader {

    /** One UDP datagram: capture time, ports, and the payload bytes. */
    public record Datagram(long timestampMicros, int sourcePort, int destinationPort, byte[] payload) {
    }

    private static final int LINKTYPE_NULL = 0;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int LINKTYPE_RAW = 101;
    private static final int LINKTYPE_LINUX_SLL = 113;
    private static final int LINKTYPE_LINUX_SLL2 = 276;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int IPPROTO_UDP = 17;

    private PcapReader() {
    }

    /** All UDP payloads in capture order. */
    public static List<Datagram> udpPayloads(Path file) throws IOException {
        return udpPayloads(Files.readAllBytes(file), file.toString());
    }

    public static List<Datagram> udpPayloads(byte[] capture, String name) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(capture);
        if (capture.length < 24) {
            throw new IOException(name + ": shorter than a pcap header");
        }
        int magic = in.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        boolean nanos;
        switch (magic) {
            case 0xA1B2C3D4 -> nanos = false;
            case 0xA1B23C4D -> nanos = true;
            case 0xD4C3B2A1, 0x4D3CB2A1 -> {
                in.order(ByteOrder.BIG_ENDIAN);
                nanos = magic == 0x4D3CB2A1;
            }
            case 0x0A0D0D0A -> throw new IOException(name + ": pcapng is not supported; convert with editcap -F pcap");
            default -> throw new IOException(name + ": not a pcap file (magic " + Integer.toHexString(magic) + ")");
        }
        int linkType = in.getInt(20) & 0x0FFF_FFFF;
        List<Datagram> out = new ArrayList<>();
        int pos = 24;
        while (pos + 16 <= capture.length) {
            long seconds = in.getInt(pos) & 0xFFFF_FFFFL;
            long fraction = in.getInt(pos + 4) & 0xFFFF_FFFFL;
            int captured = in.getInt(pos + 8);
            int start = pos + 16;
            if (captured < 0 || start + captured > capture.length) {
                throw new IOException(name + ": record at " + pos + " runs past the end of the file");
            }
            long micros = seconds * 1_000_000 + (nanos ? fraction / 1000 : fraction);
            Datagram d = udp(capture, start, start + captured, linkType, micros);
            if (d != null) {
                out.add(d);
            }
            pos = start + captured;
        }
        return out;
    }

    private static Datagram udp(byte[] b, int start, int end, int linkType, long micros) throws IOException {
        int etherType;
        int ip;
        switch (linkType) {
            case LINKTYPE_ETHERNET -> {
                ip = start + 14;
                etherType = u16(b, start + 12);
                while ((etherType == 0x8100 || etherType == 0x88A8) && ip + 4 <= end) {
                    etherType = u16(b, ip + 2);
                    ip += 4;
                }
            }
            case LINKTYPE_LINUX_SLL -> {
                etherType = u16(b, start + 14);
                ip = start + 16;
            }
            case LINKTYPE_LINUX_SLL2 -> {
                etherType = u16(b, start);
                ip = start + 20;
            }
            case LINKTYPE_RAW -> {
                etherType = (b[start] & 0xF0) == 0x60 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
                ip = start;
            }
            case LINKTYPE_NULL -> {
                // The address family is in the capturing host's byte order; 2 is AF_INET everywhere.
                int family = (b[start] & 0xFF) | (b[start + 3] & 0xFF);
                etherType = family == 2 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
                ip = start + 4;
            }
            default -> throw new IOException("unsupported pcap link type " + linkType);
        }
        int udp;
        if (etherType == ETHERTYPE_IPV4 && ip + 20 <= end) {
            int headerLength = 4 * (b[ip] & 0x0F);
            boolean fragment = (u16(b, ip + 6) & 0x3FFF) != 0;
            if (b[ip + 9] != IPPROTO_UDP || fragment) {
                return null;
            }
            udp = ip + headerLength;
        } else if (etherType == ETHERTYPE_IPV6 && ip + 40 <= end) {
            if (b[ip + 6] != IPPROTO_UDP) {
                return null;
            }
            udp = ip + 40;
        } else {
            return null;
        }
        if (udp + 8 > end) {
            return null;
        }
        int udpLength = u16(b, udp + 4);
        int payloadEnd = udp + udpLength;
        if (udpLength < 8 || payloadEnd > end) {
            throw new IOException("truncated UDP datagram; capture with a larger snaplen");
        }
        return new Datagram(micros, u16(b, udp), u16(b, udp + 2), Arrays.copyOfRange(b, udp + 8, payloadEnd));
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
