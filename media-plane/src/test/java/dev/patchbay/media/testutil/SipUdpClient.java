package dev.patchbay.media.testutil;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A deliberately dumb SIP peer over UDP for the cases SIPp cannot express: exact bytes, garbage,
 * and CANCEL at a chosen moment. Messages are plain text so tests read like the wire.
 */
public final class SipUdpClient implements AutoCloseable {

    /** A received message: its first line, headers (lower-cased names, first value) and body. */
    public record SipMessage(String startLine, Map<String, String> headers, String body, String raw) {
        public int status() {
            return startLine.startsWith("SIP/2.0 ") ? Integer.parseInt(startLine.substring(8, 11)) : 0;
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final String local;
    public final String callId = UUID.randomUUID() + "@test";
    public final String fromTag = Long.toHexString(System.nanoTime());

    public SipUdpClient(int serverPort) throws IOException {
        this(serverPort, InetAddress.getLoopbackAddress());
    }

    /** A peer on another loopback address (127.0.0.0/8), so the server sees a second source. */
    public SipUdpClient(int serverPort, InetAddress bind) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
        this.local = bind.getHostAddress();
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public void sendRaw(String text) throws IOException {
        sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends exactly these octets as one datagram. */
    public void sendBytes(byte[] bytes) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, server));
    }

    /** Sends a request with the standard headers filled in; {@code extra} ends with CRLF if given. */
    public void request(String method, String user, int cseq, String branch, String toTag, String extra, String body)
            throws IOException {
        String uri = "sip:" + user + "@127.0.0.1:" + server.getPort();
        String content = body == null ? "" : body;
        sendRaw(method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + local + ":" + localPort() + ";branch=z9hG4bK" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: \"Test Caller\" <sip:caller@" + local + ":" + localPort() + ">;tag=" + fromTag + "\r\n"
                + "To: <" + uri + ">" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Contact: <sip:caller@" + local + ":" + localPort() + ">\r\n"
                + (extra == null ? "" : extra)
                + (body == null || extra != null && extra.contains("Content-Type:") ? "" : "Content-Type: application/sdp\r\n")
                + "Content-Length: " + content.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n"
                + content);
    }

    public static String sdp(int rtpPort, String formats, String attributes) {
        return "v=0\r\no=test 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + rtpPort + " RTP/AVP " + formats + "\r\n" + attributes;
    }

    /** The next message, or null when none arrives in time. */
    /**
     * Sends {@code method} (with an SDP {@code body}, or none) inside the dialog that Patchbay's {@code invite}
     * to this client set up, from our side: our tag {@code ourTag}, to Patchbay's Contact.
     */
    public void inDialog(SipMessage invite, String ourTag, String method, int cseq, String branch, String body)
            throws IOException {
        java.util.regex.Matcher target = java.util.regex.Pattern.compile("<([^>]+)>").matcher(invite.header("Contact"));
        if (!target.find()) {
            throw new IllegalArgumentException("the INVITE has no Contact URI: " + invite.header("Contact"));
        }
        String content = body == null ? "" : body;
        sendRaw(method + " " + target.group(1) + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort() + ";branch=z9hG4bK" + branch + "\r\n"
                + "From: " + invite.header("To") + ";tag=" + ourTag + "\r\n"
                + "To: " + invite.header("From") + "\r\n"
                + "Call-ID: " + invite.header("Call-ID") + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\nMax-Forwards: 70\r\n"
                + "Contact: <sip:trunk@127.0.0.1:" + localPort() + ">\r\n"
                + (body == null ? "" : "Content-Type: application/sdp\r\n")
                + "Content-Length: " + content.length() + "\r\n\r\n" + content);
    }

    public SipMessage receive(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] buf = new byte[8192];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        String text = new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
        int split = text.indexOf("\r\n\r\n");
        String head = split < 0 ? text : text.substring(0, split);
        String body = split < 0 ? "" : text.substring(split + 4);
        String[] lines = head.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
        }
        return new SipMessage(lines[0], headers, body, text);
    }

    /** The next request from the server, skipping responses (such as a retransmitted 200 OK). */
    public SipMessage nextRequest(Duration timeout) throws IOException {
        return awaitMessage(timeout, m -> m.status() == 0);
    }

    /** The first message that {@code wanted} accepts, or null when none does in time. */
    private SipMessage awaitMessage(Duration timeout, java.util.function.Predicate<SipMessage> wanted) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            SipMessage m = receive(Duration.ofNanos(Math.max(left, 1_000_000)));
            if (m == null || wanted.test(m)) {
                return m;
            }
        }
    }

    /** Answers a request from the server with {@code status}, echoing its transaction headers. */
    public void respond(SipMessage request, int status, String reason) throws IOException {
        respond(request, status, reason, null, "", null);
    }

    /**
     * Answers a request as a UAS would: transaction headers echoed, {@code toTag} added to To when
     * given, then {@code extra} header lines (each ending CRLF) and an SDP {@code body}.
     */
    public void respond(SipMessage request, int status, String reason, String toTag, String body, String extra) throws IOException {
        StringBuilder r = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (String line : request.raw().split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("via:") || lower.startsWith("from:") || lower.startsWith("call-id:") || lower.startsWith("cseq:")) {
                r.append(line).append("\r\n");
            } else if (lower.startsWith("to:")) {
                r.append(line).append(toTag == null || lower.contains(";tag=") ? "" : ";tag=" + toTag).append("\r\n");
            }
            if (line.isEmpty()) {
                break;
            }
        }
        if (extra != null) {
            r.append(extra);
        }
        if (!body.isEmpty()) {
            r.append("Content-Type: application/sdp\r\n");
        }
        sendRaw(r.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n")
                .append(body).toString());
    }

    /** The final response whose CSeq is {@code cseq} (e.g. "3 INVITE"), skipping retransmissions of older ones. */
    public SipMessage finalResponseTo(String cseq, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SipMessage m = finalResponse(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (m == null || cseq.equals(m.header("CSeq"))) {
                return m;
            }
        }
    }

    /** Skips provisional responses until a final one (or a request) arrives. */
    public SipMessage finalResponse(Duration timeout) throws IOException {
        return awaitMessage(timeout, m -> m.status() == 0 || m.status() >= 200);
    }

    @Override
    public void close() {
        socket.close();
    }
}
