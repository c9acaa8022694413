package dev.patchbay.media.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The caller's side of the start-up rehearsal (issue 17: "never let an INVITE wait on a cold cache"):
 * a throwaway UDP socket sends INVITEs to the node's own SIP port, a few at once, and ACKs each final
 * response as a caller would, until all are answered or the budget is spent. {@link Rehearsals} takes
 * them through the real set-up path, so jain-sip's parser, transactions and dialogs, the negotiator and
 * the protobuf classes are loaded and compiled before the first caller's INVITE.
 */
final class RehearsalClient implements AutoCloseable {

    /** An INVITE unanswered this long is given up (UDP on loopback; only a starved box loses one). */
    private static final long GIVE_UP_NANOS = 2_000_000_000L;
    /** The offers take turns, so the negotiator's G.711, G.722 and Opus branches all run. */
    private static final String[] CODECS = {
        "0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n",
        "9 0 101\r\na=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\n",
        "111 8 101\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:8 PCMA/8000\r\n",
    };

    private final DatagramSocket socket;
    private final InetSocketAddress target;
    private final String token;
    private final String prefix;
    private final String local;
    private final String remote;
    private final String ipVersion;

    /** A socket on the SIP host's address (loopback for a wildcard), towards the node's own {@code port}. */
    RehearsalClient(String host, int port, String token, String prefix) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (address.isAnyLocalAddress()) {
            address = address instanceof Inet6Address ? InetAddress.getByName("::1") : InetAddress.getLoopbackAddress();
        }
        this.target = new InetSocketAddress(address, port);
        this.socket = new DatagramSocket(new InetSocketAddress(address, 0));
        this.socket.setSoTimeout(20);
        this.token = token;
        this.prefix = prefix;
        this.ipVersion = address instanceof Inet6Address ? "IP6" : "IP4";
        String a = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        this.local = a + ":" + socket.getLocalPort();
        this.remote = a + ":" + port;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(target.getAddress(), socket.getLocalPort());
    }

    String token() {
        return token;
    }

    /** Sends {@code settings.invites()} INVITEs, {@code inFlight} at a time, within the budget. */
    WarmupSettings.Report run(WarmupSettings settings) throws IOException {
        long start = System.nanoTime();
        long deadline = start + settings.budget().toNanos();
        Map<String, Long> outstanding = new HashMap<>();
        byte[] buffer = new byte[65_536];
        DatagramPacket in = new DatagramPacket(buffer, buffer.length);
        int sent = 0;
        int answered = 0;
        while ((sent < settings.invites() || !outstanding.isEmpty()) && System.nanoTime() < deadline) {
            while (sent < settings.invites() && outstanding.size() < settings.inFlight()) {
                outstanding.put(callId(sent), System.nanoTime());
                send(invite(sent));
                sent++;
            }
            in.setLength(buffer.length);
            try {
                socket.receive(in);
            } catch (SocketTimeoutException e) {
                long now = System.nanoTime();
                outstanding.values().removeIf(at -> now - at > GIVE_UP_NANOS);
                continue;
            }
            String text = new String(buffer, 0, in.getLength(), StandardCharsets.ISO_8859_1);
            if (!text.startsWith("SIP/2.0 ") || text.length() < 11 || text.charAt(8) < '2') {
                continue; // a provisional response (or anything else)
            }
            String id = header(text, "call-id");
            String to = header(text, "to");
            if (id == null || to == null) {
                continue;
            }
            send(ack(id, to)); // each final response, retransmissions too, as a caller would
            if (outstanding.remove(id) != null) {
                answered++;
            }
        }
        return new WarmupSettings.Report(sent, answered, (System.nanoTime() - start) / 1_000_000);
    }

    private void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        socket.send(new DatagramPacket(bytes, bytes.length, target));
    }

    private String callId(int n) {
        return n + "." + prefix + "@rehearsal";
    }

    private String invite(int n) {
        String sdp = "v=0\r\no=- " + n + " 1 IN " + ipVersion + " " + target.getAddress().getHostAddress() + "\r\ns=-\r\nc=IN "
                + ipVersion + " " + target.getAddress().getHostAddress() + "\r\nt=0 0\r\nm=audio 40000 RTP/AVP "
                + CODECS[n % CODECS.length] + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
                + "a=sendrecv\r\n";
        return "INVITE sip:rehearsal@" + remote + " SIP/2.0\r\n"
                + common(n, "<sip:rehearsal@" + remote + ">", "INVITE")
                + "Contact: <sip:rehearsal@" + local + ">\r\n"
                + "Supported: timer\r\nSession-Expires: 1800\r\n"
                + Rehearsals.HEADER + ": " + token + "\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    /** The ACK of a non-2xx final response: the INVITE's branch, the response's To (RFC 3261 §17.1.1.3). */
    private String ack(String id, String to) {
        int n = Integer.parseInt(id.substring(0, id.indexOf('.')));
        return "ACK sip:rehearsal@" + remote + " SIP/2.0\r\n" + common(n, to, "ACK") + "Content-Length: 0\r\n\r\n";
    }

    private String common(int n, String to, String method) {
        return "Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK" + prefix + "." + n + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:rehearsal@" + local + ">;tag=r" + n + "\r\n"
                + "To: " + to + "\r\n"
                + "Call-ID: " + callId(n) + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "User-Agent: patchbay-rehearsal\r\n";
    }

    /** A header's value by its full name, or null; jain-sip writes full names, one header a line. */
    static String header(String message, String lowerName) {
        int from = 0;
        while (true) {
            int end = message.indexOf("\r\n", from);
            if (end <= from) {
                return null; // the blank line: no such header
            }
            int colon = message.indexOf(':', from);
            if (colon > from && colon < end && message.substring(from, colon).strip().toLowerCase(Locale.ROOT).equals(lowerName)) {
                return message.substring(colon + 1, end).strip();
            }
            from = end + 2;
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
