package dev.patchbay.e2e;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;

/** Free loopback ports for a SIPp peer: its SIP port, and the even RTP port it wants (RTCP and video take the next three). */
final class SippPorts {

    private SippPorts() {
    }

    static int freePort() throws SocketException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    /**
     * An even port {@code p} with {@code p + 1..3} free too: SIPp's {@code -mp} binds audio RTP and RTCP there, and its
     * video pair at {@code p + 2}, even for an audio-only call; a taken video port fails the whole run (exit 254).
     */
    static int freeEvenPort() throws SocketException {
        for (int i = 0; i < 50; i++) {
            int p = freePort() & ~1;
            try (DatagramSocket a = new DatagramSocket(new InetSocketAddress("127.0.0.1", p));
                 DatagramSocket b = new DatagramSocket(new InetSocketAddress("127.0.0.1", p + 1));
                 DatagramSocket c = new DatagramSocket(new InetSocketAddress("127.0.0.1", p + 2));
                 DatagramSocket d = new DatagramSocket(new InetSocketAddress("127.0.0.1", p + 3))) {
                return p;
            } catch (BindException taken) {
                // another process took one of the pair meanwhile: try another
            }
        }
        throw new IllegalStateException("no free even UDP port pair on 127.0.0.1 after 50 tries; is the machine out of ports?");
    }
}
