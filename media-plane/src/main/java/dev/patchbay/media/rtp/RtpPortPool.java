package dev.patchbay.media.rtp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Hands out RTP sockets on even ports of the configured range. A released port goes to the back of
 * the queue, so a port is reused as late as possible and stray packets of an old call rarely reach
 * a new one.
 */
public final class RtpPortPool {

    private final String host;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final int capacity;

    public RtpPortPool(String host, int min, int max) {
        this.host = host;
        for (int port = min + (min & 1); port <= max; port += 2) {
            free.add(port);
        }
        this.capacity = free.size();
    }

    /** A bound, non-blocking RTP socket and the port it holds. */
    public record RtpSocket(DatagramChannel channel, int port) {
    }

    /** Binds a non-blocking socket on a free port, or empty when every port is taken. */
    public Optional<RtpSocket> allocate() {
        int attempts;
        synchronized (free) {
            attempts = free.size();
        }
        for (int i = 0; i < attempts; i++) {
            Integer port;
            synchronized (free) {
                port = free.poll();
            }
            if (port == null) {
                return Optional.empty();
            }
            try {
                DatagramChannel channel = DatagramChannel.open();
                try {
                    channel.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
                    channel.bind(new InetSocketAddress(host, port));
                    channel.configureBlocking(false);
                    return Optional.of(new RtpSocket(channel, port));
                } catch (IOException e) {
                    channel.close();
                    throw e;
                }
            } catch (IOException e) {
                // Another process holds this port: keep it in rotation and try the next one.
                synchronized (free) {
                    free.addLast(port);
                }
            }
        }
        return Optional.empty();
    }

    /** Closes the socket and makes its port available again. */
    public void release(RtpSocket socket) {
        try {
            socket.channel().close();
        } catch (IOException ignored) {
            // closing a datagram socket does not fail in a way we can act on
        }
        synchronized (free) {
            free.addLast(socket.port());
        }
    }

    public int available() {
        synchronized (free) {
            return free.size();
        }
    }

    public int capacity() {
        return capacity;
    }
}
