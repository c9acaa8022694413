package dev.patchbay.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A WebSocket bot that stalls: it completes the RFC 6455 handshake, then never reads again while keeping the
 * TCP connection open, as a hung bot process does. Its receive buffer is small, so the gateway's sends back up
 * within a second of audio.
 */
final class StalledBot implements AutoCloseable {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket server;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();

    StalledBot() throws IOException {
        server = new ServerSocket();
        server.setReceiveBufferSize(4096); // inherited by the accepted sockets
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().name("stalled-bot").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "ws://127.0.0.1:" + server.getLocalPort() + "/stall";
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                String key = null;
                for (String line : head(s.getInputStream()).split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                        key = line.substring(line.indexOf(':') + 1).strip();
                    }
                }
                if (key == null) {
                    s.close();
                    continue;
                }
                s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                accepted.add(s); // and never read again
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** The request's header block, read a byte at a time so that nothing after it is consumed. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            byte[] so = b.toByteArray();
            int n = so.length;
            if (n >= 4 && so[n - 4] == '\r' && so[n - 3] == '\n' && so[n - 2] == '\r' && so[n - 1] == '\n') {
                break;
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private static String accept(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    /**
     * Whether the gateway has closed connection {@code s}: its buffered bytes are read (the stall is over) until
     * the end of the stream or {@code timeoutMs} of silence.
     */
    static boolean closedByPeer(Socket s, int timeoutMs) throws IOException {
        s.setSoTimeout(timeoutMs);
        byte[] buf = new byte[65536];
        try {
            while (true) {
                if (s.getInputStream().read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true; // an abort resets the connection
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
