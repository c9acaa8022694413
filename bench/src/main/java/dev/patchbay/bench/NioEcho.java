package dev.patchbay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The floor: one blocking NIO UDP socket that sends every datagram straight back to its sender. No
 * SIP, no jitter buffer, no codec: what a JVM costs to move the benchmark's packets at all. Run as
 * its own process so its CPU is read from /proc like Patchbay's; it prints its port on stdout.
 */
public final class NioEcho {

    private NioEcho() {
    }

    public static void main(String[] args) throws IOException {
        try (DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            System.out.println("nio-echo port " + ((InetSocketAddress) socket.getLocalAddress()).getPort());
            System.out.flush();
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);
            while (true) {
                SocketAddress from = socket.receive(buf.clear());
                socket.send(buf.flip(), from);
            }
        }
    }
}
