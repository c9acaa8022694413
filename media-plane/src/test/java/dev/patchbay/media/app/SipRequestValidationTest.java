package dev.patchbay.media.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import dev.patchbay.media.sip.MessageLimits;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.Reject;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The defects of issue 14 §3 over real UDP and TCP: each request is checked before the late-offer
 * and SDP logic, a stray response is never answered, one UDP datagram is one message, and the
 * message size limits of patchbay.sip.max-message-size hold on both transports.
 */
class SipRequestValidationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** A UDP limit low enough to exceed in one datagram; the stream limit stays at its default. */
    private static final MessageLimits LIMITS = new MessageLimits(8192, 65536);

    private static MediaConfig config;
    private static MediaPlaneFixture fixture;
    private static MediaPlane plane;
    private static TestControl control;
    private static final List<LogRecord> traces = new ArrayList<>();
    private static final Handler TRACE_CATCHER = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getThrown() != null) {
                synchronized (traces) {
                    traces.add(r);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() throws Exception {
        fixture = MediaPlaneFixture.start(MediaPlaneFixture.config().withSipLimits(LIMITS));
        config = fixture.settings();
        plane = fixture.plane();
        control = fixture.control();
        Logger.getLogger("").addHandler(TRACE_CATCHER);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("").removeHandler(TRACE_CATCHER);
        fixture.close();
    }

    @Test
    void anInviteWithSip70Gets505BeforeItsMissingSdpIsLookedAt() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.sendRaw(invite(sip, "sip:bot@127.0.0.1", "SIP/7.0", 1));
            SipMessage r = sip.finalResponse(WAIT);
            assertEquals(505, r.status(), r.raw());
            assertTrue(r.header("Reason").contains("SIP/2.0"), r.raw());
        }
    }

    @Test
    void anInviteToAnUnknownUriSchemeGets416() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.sendRaw(invite(sip, "nobodyknowsthisscheme:bot", "SIP/2.0", 1));
            SipMessage r = sip.finalResponse(WAIT);
            assertEquals(416, r.status(), r.raw());
            assertNotNull(r.header("Reason"), r.raw());
        }
    }

    @Test
    void aCseqOf2To31Gets400AndTheLastValidOneIsRouted() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.sendRaw(invite(sip, "sip:bot@127.0.0.1", "SIP/2.0", 2147483648L));
            SipMessage r = sip.finalResponse(WAIT);
            assertEquals(400, r.status(), r.raw());
            assertTrue(r.header("Reason").contains("2^31"), r.raw());
        }
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.request("INVITE", "bot", Integer.MAX_VALUE, "max" + System.nanoTime(), null, null,
                    SipUdpClient.sdp(4000, "0", "a=rtpmap:0 PCMU/8000\r\n"));
            ControlEvent e = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(e.getCallId())
                    .setReject(Reject.newBuilder().setSipStatus(486).setReason("busy")));
            assertEquals(486, sip.finalResponse(WAIT).status());
        }
    }

    /** Requests that fuzzing found jain-sip choking on; each once went unanswered, or worse. */
    static Stream<Arguments> fuzzFindings() {
        String lowerVia = "Via: SIP/2.0/UDP 192.0.2.7;rport=%s;branch=z9hG4bKlower\r\n";
        return Stream.of(
                // The RAck parser throws NumberFormatException; the UDP loop logged the datagram and never answered.
                Arguments.of("RAck: x", beforeContentLength("RAck: x\r\n")),
                // In a Via comment, a backslash and the line's end were one escape, then NULs were appended past
                // the end until the heap ran out: one 200-byte datagram took the node down.
                Arguments.of("a Via comment ending in a backslash", beforeContentLength("Via: SIP/2.0/UDP 192.0.2.7 (ab\\\r\n")),
                // "rport=x" parses, but copying that Via into any response throws NumberFormatException; the
                // channels rewrite only the top Via's rport, so a lower Via's reached the copy.
                Arguments.of("a lower Via with rport=x", beforeMaxForwards(lowerVia.formatted("x"))),
                Arguments.of("a lower Via with rport=99999999999", beforeMaxForwards(lowerVia.formatted("99999999999"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fuzzFindings")
    void aRequestFuzzingFoundGets400AndTheNextIsServed(String finding, UnaryOperator<String> mutation) throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.sendRaw(mutation.apply(options(sip, 1, "fuzz", 0)));
            SipMessage r = sip.finalResponse(WAIT);
            assertEquals(400, r.status(), r.raw());
            sip.sendRaw(options(sip, 2, "after", 0));
            assertEquals(200, sip.finalResponse(WAIT).status(), "the next request is served");
        }
    }

    @ParameterizedTest(name = "rport={0}")
    @ValueSource(strings = {"x", "99999999999"})
    void aLowerViaWhoseRportIsNoPortGets400NamingItOverTcp(String rport) throws Exception {
        String via = "Via: SIP/2.0/UDP 192.0.2.7;rport=" + rport + ";branch=z9hG4bKlower\r\n";
        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), config.sipPort())) {
            tcp.setSoTimeout((int) WAIT.toMillis());
            tcp.getOutputStream().write(beforeMaxForwards(via).apply(tcpOptions(tcp.getLocalPort(), 1, "rport", 0))
                    .getBytes(StandardCharsets.US_ASCII));
            String r = readResponse(tcp.getInputStream());
            assertTrue(r.startsWith("SIP/2.0 400 ") && r.contains("rport"), "a 400 naming rport over TCP: " + r);
        }
    }

    private static UnaryOperator<String> beforeContentLength(String header) {
        return m -> m.replace("Content-Length: 0\r\n", header + "Content-Length: 0\r\n");
    }

    private static UnaryOperator<String> beforeMaxForwards(String header) {
        return m -> m.replace("Max-Forwards", header + "Max-Forwards");
    }

    @Test
    void aStrayResponseIsNeverAnswered() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.sendRaw("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:" + sip.localPort() + ";branch=z9hG4bKstray" + System.nanoTime()
                    + "\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>;tag=2\r\nCall-ID: stray@test\r\n"
                    + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
            sip.sendRaw("SIP/2.0 200 OK\r\n\r\n"); // a bare status line
            // an unparseable response after a keep-alive CRLF: jain-sip alone would answer it 400
            sip.sendRaw("\r\nSIP/2.0 4294967301 bad\r\nVia: SIP/2.0/UDP 127.0.0.1:" + sip.localPort() + ";branch=z9hG4bKs2"
                    + "\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>;tag=2\r\nCall-ID: stray2@test\r\n"
                    + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
            Rfc4475TortureTest.assertNothingBeforeProbe(sip, "a stray response");
        }
    }

    @Test
    void twoOptionsInOneDatagramAreOneRequestAndTrailingOctets() throws Exception {
        // RFC 3261 §18.3: over UDP the octets past Content-Length are discarded, so only the first is answered.
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            String first = options(sip, 1, "first", 0);
            String second = options(sip, 2, "second", 0);
            sip.sendRaw(first + second);
            SipMessage r = sip.finalResponse(WAIT);
            assertEquals(200, r.status(), r.raw());
            assertEquals("1 OPTIONS", r.header("CSeq"), r.raw());
            Rfc4475TortureTest.assertNothingBeforeProbe(sip, "the second OPTIONS in the datagram");
        }
    }

    @Test
    void aUdpDatagramOverTheLimitGets513AndOneUnderItIsServed() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            String small = options(sip, 1, "small", 0);
            sip.sendRaw(options(sip, 1, "small", LIMITS.udpBytes() - small.length()));
            SipMessage ok = sip.finalResponse(WAIT);
            assertEquals(200, ok.status(), "a datagram of exactly the limit is served");
            sip.sendRaw(options(sip, 2, "large", LIMITS.udpBytes() + 1));
            SipMessage r = sip.finalResponse(WAIT);
            assertEquals(513, r.status(), r.raw());
            assertTrue(r.header("Reason").contains("patchbay.sip.max-message-size.udp"), r.raw());
        }
    }

    @Test
    void aTcpMessageWithA64KibHeaderClosesTheConnectionAndTcpStillServes() throws Exception {
        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), config.sipPort())) {
            tcp.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = tcp.getOutputStream();
            String big = tcpOptions(tcp.getLocalPort(), 1, "big", 65536);
            try {
                out.write(big.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (SocketException e) {
                // the server may close while we are still writing: that is the refusal
            }
            assertTrue(readUntilClosed(tcp.getInputStream()).isEmpty(), "a 64 KiB header must not be answered 200");
        }
        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), config.sipPort())) {
            tcp.setSoTimeout((int) WAIT.toMillis());
            tcp.getOutputStream().write(tcpOptions(tcp.getLocalPort(), 1, "after", 0).getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[4096];
            int n = tcp.getInputStream().read(buf);
            assertTrue(n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("SIP/2.0 200"),
                    "TCP serves a normal OPTIONS after the oversized one");
        }
    }

    @Test
    void noTortureLogsAStackTrace() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            for (String name : List.of("badinv01", "clerr", "ncl", "scalar02", "insuf", "mcl01", "multi01", "bigcode", "intmeth")) {
                sip.sendBytes(Rfc4475TortureTest.pointTopViaAt(Rfc4475TortureTest.fixture(name), sip.localPort()));
            }
            sip.request("OPTIONS", "probe", 9, "probe" + System.nanoTime(), null, null, null);
            assertNotNull(sip.finalResponseTo("9 OPTIONS", WAIT), "the gateway still answers after the torture messages");
        }
        synchronized (traces) {
            assertTrue(traces.isEmpty(), () -> "stack traces logged: " + traces.stream().map(r -> r.getLoggerName() + ": "
                    + r.getMessage()).toList());
        }
    }

    /** Reads one response's header block: up to its empty line. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder got = new StringBuilder();
        try {
            while (!got.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                got.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + WAIT + "; got: " + got);
        }
        return got.toString();
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        StringBuilder got = new StringBuilder();
        byte[] buf = new byte[4096];
        try {
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
        } catch (SocketException e) {
            // reset by the server: closed
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection stayed open without an answer for " + WAIT);
        }
        return got.toString();
    }

    private static String invite(SipUdpClient sip, String uri, String version, long cseq) {
        return "INVITE " + uri + " " + version + "\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + sip.localPort() + ";branch=z9hG4bK" + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1>;tag=" + sip.fromTag + "\r\n"
                + "To: <sip:bot@127.0.0.1>\r\nCall-ID: " + System.nanoTime() + sip.callId + "\r\n"
                + "CSeq: " + cseq + " INVITE\r\nContact: <sip:caller@127.0.0.1:" + sip.localPort() + ">\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** An OPTIONS, padded with an X-Pad header so the whole message is {@code padTo} octets when that is positive. */
    private static String options(SipUdpClient sip, int cseq, String branch, int padTo) {
        String head = "OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + sip.localPort() + ";branch=z9hG4bK" + branch + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1>;tag=" + sip.fromTag + "\r\n"
                + "To: <sip:bot@127.0.0.1>\r\nCall-ID: " + sip.callId + "\r\nCSeq: " + cseq + " OPTIONS\r\n";
        String tail = "Content-Length: 0\r\n\r\n";
        int pad = padTo - head.length() - tail.length() - "X-Pad: \r\n".length();
        return head + (padTo > 0 ? "X-Pad: " + "a".repeat(Math.max(0, pad)) + "\r\n" : "") + tail;
    }

    private static String tcpOptions(int localPort, int cseq, String branch, int padBytes) {
        return "OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 127.0.0.1:" + localPort + ";branch=z9hG4bK" + branch + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1>;tag=t1\r\nTo: <sip:bot@127.0.0.1>\r\n"
                + "Call-ID: tcp" + System.nanoTime() + "@test\r\nCSeq: " + cseq + " OPTIONS\r\n"
                + (padBytes > 0 ? "X-Pad: " + "a".repeat(padBytes) + "\r\n" : "")
                + "Content-Length: 0\r\n\r\n";
    }
}
