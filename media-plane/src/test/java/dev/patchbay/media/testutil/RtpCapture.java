package dev.patchbay.media.testutil;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * A caller's RTP port on loopback that records every packet Patchbay sends it, with its arrival
 * time, on its own thread until closed.
 */
public final class RtpCapture implements AutoCloseable {

    /** One received packet: header fields, the payload, and when it arrived (System.nanoTime). */
    public record Packet(int payloadType, boolean marker, int sequence, long timestamp, long ssrc, byte[] payload,
                         long arrivedNanos) {
    }

    private final DatagramSocket socket;
    private final List<Packet> packets = new ArrayList<>();
    private final Thread reader;
    private volatile SocketAddress source;

    public RtpCapture() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        reader = Thread.ofPlatform().daemon().name("rtp-capture").start(this::read);
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void read() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return; // closed
            }
            long now = System.nanoTime();
            if (p.getLength() < 12) {
                continue;
            }
            source = p.getSocketAddress();
            Packet packet = new Packet(buf[1] & 0x7F, (buf[1] & 0x80) != 0,
                    ((buf[2] & 0xFF) << 8) | (buf[3] & 0xFF),
                    ((buf[4] & 0xFFL) << 24) | ((buf[5] & 0xFF) << 16) | ((buf[6] & 0xFF) << 8) | (buf[7] & 0xFF),
                    ((buf[8] & 0xFFL) << 24) | ((buf[9] & 0xFF) << 16) | ((buf[10] & 0xFF) << 8) | (buf[11] & 0xFF),
                    java.util.Arrays.copyOfRange(buf, 12, p.getLength()), now);
            synchronized (packets) {
                packets.add(packet);
            }
        }
    }

    /** Where the last packet came from (Patchbay's RTP socket for the call), or null before the first. */
    public SocketAddress source() {
        return source;
    }

    /** Sends {@code packet} from this port, so Patchbay latches onto it (symmetric RTP). */
    public void send(byte[] packet, SocketAddress to) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length, to));
    }

    public int count() {
        synchronized (packets) {
            return packets.size();
        }
    }

    public List<Packet> packets() {
        synchronized (packets) {
            return List.copyOf(packets);
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        reader.join(2000);
    }
}
