package dev.patchbay.media.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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

    /** The first port of a block of {@code size} ports in 20000-60000, chosen at random to avoid other runs. */
    public static int rtpBase(int size) {
        return 20000 + 2 * ThreadLocalRandom.current().nextInt((40000 - size) / 2);
    }
}
