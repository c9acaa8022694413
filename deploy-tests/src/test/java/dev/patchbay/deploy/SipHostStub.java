package dev.patchbay.deploy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a media host behind the SIP front, over real UDP: it answers OPTIONS 200, or 503 with
 * Retry-After as a draining media-plane does; answers INVITE 200 (or 503 when told), and BYE 200. It
 * tests the front's configuration, not Patchbay's SIP stack, so it carries no SDP or media.
 */
final class SipHostStub implements AutoCloseable {

    final String name;
    final AtomicInteger options = new AtomicInteger();
    final AtomicInteger invites = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    volatile boolean refuseOptions;
    volatile boolean refuseInvites;
    private final DatagramSocket socket;
    private final Thread reader;

    SipHostStub(String name) throws SocketException {
        this.name = name;
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        this.reader = Thread.ofPlatform().name("stub-" + name).daemon().start(this::serve);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buf = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException closed) {
                return;
            }
            String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            String method = msg.substring(0, Math.max(0, msg.indexOf(' ')));
            String reply = switch (method) {
                case "OPTIONS" -> {
                    options.incrementAndGet();
                    yield refuseOptions ? response(msg, "503 Service Unavailable", "Retry-After: 30\r\n") : response(msg, "200 OK", "");
                }
                case "INVITE" -> {
                    invites.incrementAndGet();
                    if (refuseInvites) {
                        yield response(msg, "503 Service Unavailable", "Retry-After: 30\r\n");
                    }
                    answered.incrementAndGet();
                    yield response(msg, "200 OK", "Contact: <sip:" + name + "@127.0.0.1:" + port() + ">\r\n");
                }
                case "BYE", "CANCEL" -> response(msg, "200 OK", "");
                default -> null; // ACK, responses
            };
            if (reply != null) {
                byte[] out = reply.getBytes(StandardCharsets.UTF_8);
                try {
                    socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }
    }

    /** A response with the request's Via, Record-Route, From, To (tagged), Call-ID and CSeq. */
    private static String response(String request, String status, String extra) {
        StringBuilder r = new StringBuilder("SIP/2.0 ").append(status).append("\r\n");
        List<String> lines = new ArrayList<>(List.of(request.split("\r\n")));
        for (String l : lines) {
            String lower = l.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("via:") || lower.startsWith("v:") || lower.startsWith("record-route:")
                    || lower.startsWith("from:") || lower.startsWith("f:") || lower.startsWith("call-id:")
                    || lower.startsWith("i:") || lower.startsWith("cseq:")) {
                r.append(l).append("\r\n");
            } else if (lower.startsWith("to:") || lower.startsWith("t:")) {
                r.append(l).append(l.contains(";tag=") ? "" : ";tag=stub").append("\r\n");
            }
        }
        return r.append(extra).append("Content-Length: 0\r\n\r\n").toString();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        reader.join(2000);
    }
}
