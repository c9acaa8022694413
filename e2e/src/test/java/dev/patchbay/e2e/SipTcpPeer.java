package dev.patchbay.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A SIP peer over one TCP or TLS connection, as RingCX uses it: it opens the connection, sends the INVITE, and
 * expects every response and in-dialog request back on that same connection (its Contact is unreachable
 * on purpose). Blank lines between messages, the RFC 5626 keep-alive pong, are skipped.
 */
final class SipTcpPeer implements AutoCloseable {

    /**
     * One message: start line, headers (lower-cased names, first value), body, every header line as sent, and the
     * {@link System#nanoTime()} at which the reader took it off the connection.
     */
    record Msg(String startLine, Map<String, String> headers, String body, List<String> headerLines, long receivedNanos) {
        /** Every value of a header that may repeat (e.g. one WWW-Authenticate per digest algorithm), in order. */
        List<String> all(String name) {
            return headerLines.stream().filter(h -> h.substring(0, h.indexOf(':')).strip().equalsIgnoreCase(name))
                    .map(h -> h.substring(h.indexOf(':') + 1).strip()).toList();
        }

        int status() {
            return startLine.startsWith("SIP/2.0 ") ? Integer.parseInt(startLine.substring(8, 11)) : 0;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean isRequest(String method) {
            return startLine.startsWith(method + " ");
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Msg> received = new LinkedBlockingQueue<>();
    private final Thread reader;

    SipTcpPeer(int port) throws IOException {
        this(plain(port));
    }

    private SipTcpPeer(Socket connected) throws IOException {
        socket = connected;
        out = socket.getOutputStream();
        reader = Thread.ofVirtual().name("sip-tcp-peer").start(this::readLoop);
    }

    private static Socket plain(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** The same over TLS, trusting the self-signed certificate local mode generated for the test. */
    static SipTcpPeer tls(int port) throws Exception {
        javax.net.ssl.TrustManager[] trustSelfSigned = {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }};
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trustSelfSigned, null);
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.startHandshake();
        return new SipTcpPeer(socket);
    }

    int localPort() {
        return socket.getLocalPort();
    }

    synchronized void send(String message) throws IOException {
        out.write(message.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next message, or null when none arrives within {@code timeout}. */
    Msg poll(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next message that is not a provisional response; fails after {@code timeout}. */
    Msg next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Msg m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no SIP message within " + timeout);
            }
            if (m.status() == 0 || m.status() >= 200) {
                return m;
            }
        }
    }

    /** A 200 to {@code request}, over the connection it came on. */
    void ok(Msg request) throws IOException {
        send("SIP/2.0 200 OK\r\nVia: " + request.header("via") + "\r\nFrom: " + request.header("from") + "\r\nTo: "
                + request.header("to") + "\r\nCall-ID: " + request.header("call-id") + "\r\nCSeq: " + request.header("cseq")
                + "\r\nContent-Length: 0\r\n\r\n");
    }

    private void readLoop() {
        try (InputStream in = socket.getInputStream()) {
            while (true) {
                String line = line(in);
                if (line == null) {
                    return;
                }
                if (line.isEmpty()) {
                    continue; // keep-alive CRLFs
                }
                Map<String, String> headers = new LinkedHashMap<>();
                List<String> lines = new java.util.ArrayList<>();
                for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                    int colon = h.indexOf(':');
                    headers.putIfAbsent(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
                    lines.add(h);
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                byte[] body = in.readNBytes(length);
                received.add(new Msg(line, headers, new String(body, StandardCharsets.UTF_8), List.copyOf(lines),
                        System.nanoTime()));
            }
        } catch (IOException e) {
            // the connection closed; the test sees no further messages
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] b = buf.toByteArray();
                int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            buf.write(c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
