package dev.patchbay.media.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Finds ports for servers that cannot bind port 0 themselves (jain-sip needs a fixed SIP port). */
public final class Ports {

    private Ports() {
    }

    /** A port free on both UDP and TCP on 127.0.0.1 right now. */
    public static int freeUdpAndTcp() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                int port = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket()) {
                    tcp.bind(new InetSocketAddress("127.0.0.1", port));
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no port free on both UDP and TCP");
    }

    /**
     * The first port of a block of {@code size} ports in 20000-60000, chosen at random to avoid other runs, all
     * free on UDP right now: a load test on the same machine holds hundreds of ports there, and SIPp given a
     * taken media port exits before sending anything.
     */
    public static int rtpBase(int size) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20000 + 2 * ThreadLocalRandom.current().nextInt((40000 - size) / 2);
            if (udpFree(base, size)) {
                return base;
            }
        }
        throw new IllegalStateException("no block of " + size + " free UDP ports in 20000-60000");
    }

    private static boolean udpFree(int base, int size) {
        List<DatagramSocket> held = new ArrayList<>();
        try {
            for (int port = base; port < base + size; port++) {
                held.add(new DatagramSocket(new InetSocketAddress("127.0.0.1", port)));
            }
            return true;
        } catch (IOException taken) {
            return false;
        } finally {
            held.forEach(DatagramSocket::close);
        }
    }
}
