package dev.patchbay.media.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.Reject;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every torture message of RFC 4475 §3 (3.1.1.1 to 3.4.1), byte for byte as the RFC's archive
 * holds them (src/test/resources/rfc4475/), sent over real UDP to a media-plane acting as UAS. Each
 * case asserts the one handling Patchbay gives it, which is the one (or one of those) the RFC
 * describes. Afterwards the gateway must still take a normal call.
 *
 * <p>One thing is changed on the wire: the topmost Via's transport and sent-by are pointed at the
 * test's UDP socket. Responses go where that Via says (RFC 3261 §18.2.2); left as the RFC has it,
 * they would be sent to 192.0.2.x and example.com hosts over TCP and TLS, off this machine.
 *
 * <p>Where the RFC allows a choice, the case pins the one Patchbay makes. §3.4.1 (inv2543) asks
 * acceptance only of "elements that want to maintain backwards compatibility" with RFC 2543:
 * Patchbay takes its missing branch, From tag, Content-Length and Max-Forwards, but refuses it 400
 * because it has no Contact (RFC 3261 §8.1.1.8), without which a BYE has nowhere to go.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Rfc4475TortureTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** The status the test control-plane gives every torture INVITE it is offered. */
    private static final int ROUTED_STATUS = 480;

    /** What a UAS does with a message. */
    sealed interface Expect permits Status, Dropped, Routed {
    }

    /** Answered with this final status (and, where the status requires one, the header named). */
    record Status(int code, String header) implements Expect {
    }

    /** Never answered. */
    record Dropped() implements Expect {
    }

    /** A well-formed INVITE: offered to the control-plane, and answered with its decision. */
    record Routed() implements Expect {
    }

    record Case(String section, String name, Expect expect) {
        @Override
        public String toString() {
            return section + " " + name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // 3.1.1 valid messages
                new Case("3.1.1.1", "wsinv", new Status(481, null)),      // To has a tag: no such dialog (RFC 3261 §12.2.2)
                new Case("3.1.1.2", "intmeth", new Status(501, "Allow")),
                new Case("3.1.1.3", "esc01", new Routed()),
                new Case("3.1.1.4", "escnull", new Status(405, "Allow")),  // REGISTER: not a registrar
                new Case("3.1.1.5", "esc02", new Status(501, "Allow")),
                new Case("3.1.1.6", "lwsdisp", new Status(200, null)),
                new Case("3.1.1.7", "longreq", new Routed()),
                new Case("3.1.1.8", "dblreq", new Status(405, "Allow")),
                new Case("3.1.1.9", "semiuri", new Status(200, null)),
                new Case("3.1.1.10", "transports", new Status(200, null)),
                new Case("3.1.1.11", "mpart01", new Status(405, "Allow")),
                new Case("3.1.1.12", "unreason", new Dropped()),
                new Case("3.1.1.13", "noreason", new Dropped()),
                // 3.1.2 invalid messages
                new Case("3.1.2.1", "badinv01", new Status(400, null)),
                new Case("3.1.2.2", "clerr", new Status(400, null)),
                new Case("3.1.2.3", "ncl", new Status(400, null)),
                new Case("3.1.2.4", "scalar02", new Status(400, null)),
                new Case("3.1.2.5", "scalarlg", new Dropped()),
                new Case("3.1.2.6", "quotbal", new Status(400, null)),
                new Case("3.1.2.7", "ltgtruri", new Status(400, null)),
                new Case("3.1.2.8", "lwsruri", new Status(400, null)),
                new Case("3.1.2.9", "lwsstart", new Status(400, null)),
                new Case("3.1.2.10", "trws", new Status(400, null)),
                new Case("3.1.2.11", "escruri", new Status(400, null)),
                new Case("3.1.2.12", "baddate", new Routed()),
                new Case("3.1.2.13", "regbadct", new Status(400, null)),
                new Case("3.1.2.14", "badaspec", new Status(200, null)), // liberal: jain-sip ignores the spaces
                new Case("3.1.2.15", "baddn", new Status(200, null)),    // liberal: jain-sip infers the quotes
                new Case("3.1.2.16", "badvers", new Status(505, null)),
                new Case("3.1.2.17", "mismatch01", new Status(400, null)),
                new Case("3.1.2.18", "mismatch02", new Status(400, null)),
                new Case("3.1.2.19", "bigcode", new Dropped()),
                // 3.2 transaction layer
                new Case("3.2.1", "badbranch", new Status(200, null)),
                // 3.3 application layer
                new Case("3.3.1", "insuf", new Dropped()),
                new Case("3.3.2", "unkscm", new Status(416, null)),
                new Case("3.3.3", "novelsc", new Status(416, null)),
                new Case("3.3.4", "unksm2", new Status(405, "Allow")),
                new Case("3.3.5", "bext01", new Status(420, "Unsupported")),
                new Case("3.3.6", "invut", new Status(415, "Accept")),
                new Case("3.3.7", "regaut01", new Status(405, "Allow")),
                new Case("3.3.8", "multi01", new Status(400, null)),
                new Case("3.3.9", "mcl01", new Status(400, null)),
                new Case("3.3.10", "bcast", new Dropped()),
                new Case("3.3.11", "zeromf", new Status(200, null)),
                new Case("3.3.12", "cparam01", new Status(405, "Allow")),
                new Case("3.3.13", "cparam02", new Status(405, "Allow")),
                new Case("3.3.14", "regescrt", new Status(405, "Allow")),
                new Case("3.3.15", "sdp01", new Status(406, "Accept")),
                // 3.4 backward compatibility
                new Case("3.4.1", "inv2543", new Status(400, null))); // no Contact to reach the caller: see the class note
    }

    private static MediaConfig config;
    private static MediaPlaneFixture fixture;
    private static MediaPlane plane;
    private static TestControl control;
    private static Thread router;
    private static final Set<String> offered = ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicInteger SENDS = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        fixture = MediaPlaneFixture.start();
        config = fixture.settings();
        plane = fixture.plane();
        control = fixture.control();
        router = Thread.ofVirtual().start(Rfc4475TortureTest::route);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        router.interrupt();
        router.join(WAIT.toMillis());
        fixture.close();
    }

    /** The control-plane: answers calls to "normal", refuses every other INVITE with 480, and notes each offer. */
    private static void route() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                ControlEvent e = control.events.poll(1, TimeUnit.SECONDS);
                if (e == null || e.getEventCase() != ControlEvent.EventCase.OFFERED) {
                    continue;
                }
                offered.add(e.getOffered().getSipCallId());
                RouteDecision.Builder d = RouteDecision.newBuilder().setCallId(e.getCallId());
                control.decide("normal".equals(e.getOffered().getRequestUser()) ? d.setAnswer(Answer.newBuilder())
                        : d.setReject(Reject.newBuilder().setSipStatus(ROUTED_STATUS).setReason("torture test routes it away")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Order(1)
    void eachTortureMessageGetsTheHandlingTheRfcDescribes(Case c) throws Exception {
        byte[] fixture = fixture(c.name());
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.sendBytes(pointTopViaAt(fixture, sip.localPort()));
            switch (c.expect()) {
                case Status s -> {
                    SipMessage r = sip.finalResponse(WAIT);
                    assertNotNull(r, c + ": no answer");
                    assertEquals(s.code(), r.status(), c + ":\n" + r.raw());
                    if (s.header() != null) {
                        assertNotNull(r.header(s.header()), c + " must carry " + s.header() + ":\n" + r.raw());
                    }
                }
                case Routed x -> {
                    SipMessage r = sip.finalResponse(WAIT);
                    assertNotNull(r, c + ": no answer; offered: " + offered);
                    assertEquals(ROUTED_STATUS, r.status(), c + ":\n" + r.raw());
                    assertTrue(offered.contains(callId(fixture)), c + " was answered without being offered to the control-plane");
                }
                case Dropped x -> assertNothingBeforeProbe(sip, c.toString());
            }
        }
    }

    @Test
    @Order(2)
    void theExtraOctetsOfTheDblreqDatagramAreNotARequest() throws Exception {
        // RFC 4475 §3.1.1.8: the INVITE after the REGISTER's Content-Length is noise (RFC 3261 §18.3).
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.sendBytes(pointTopViaAt(fixture("dblreq"), sip.localPort()));
            assertEquals(405, sip.finalResponse(WAIT).status());
            assertNothingBeforeProbe(sip, "the INVITE octets of dblreq");
            assertFalse(offered.contains("dblreq.0ha0isnda977644900765@192.0.2.15"), "the trailing INVITE reached routing");
        }
    }

    @Test
    @Order(3)
    void aNormalCallStillWorksAfterTheSuite() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            sip.request("INVITE", "normal", 1, "normal1", null, null,
                    SipUdpClient.sdp(rtp.getLocalPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"));
            SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
            assertEquals(200, ok.status(), ok.raw());
            assertTrue(ok.body().contains("m=audio "), ok.raw());
            String toTag = ok.header("To").replaceAll(".*;tag=", "");
            sip.request("ACK", "normal", 1, "normal1ack", toTag, null, null);
            sip.request("BYE", "normal", 2, "normal2", toTag, null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
            Await.until(() -> plane.calls().activeCalls() == 0, WAIT, "the call to end");
        }
    }

    /**
     * Sends an OPTIONS probe from the same socket and asserts that its 200 is the first thing to
     * come back, and that nothing follows it for a short while: the message before it was dropped.
     */
    static void assertNothingBeforeProbe(SipUdpClient sip, String what) throws IOException {
        sip.request("OPTIONS", "probe", 7, "probe" + System.nanoTime(), null, null, null);
        SipMessage first = sip.receive(WAIT);
        assertNotNull(first, "the probe after " + what + " got no answer");
        assertEquals("7 OPTIONS", first.header("CSeq"), what + " was answered:\n" + first.raw());
        assertEquals(sip.callId, first.header("Call-ID"), what + " was answered:\n" + first.raw());
        SipMessage late = sip.receive(Duration.ofMillis(300));
        assertNull(late, () -> what + " was answered after the probe:\n" + late.raw());
    }

    static byte[] fixture(String name) {
        try (InputStream in = Rfc4475TortureTest.class.getResourceAsStream("/rfc4475/" + name + ".sip")) {
            assertNotNull(in, "missing fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The topmost Via's sent-protocol transport and sent-by, rewritten to UDP and 127.0.0.1:port; all else kept. */
    static byte[] pointTopViaAt(byte[] message, int port) {
        String text = new String(message, StandardCharsets.ISO_8859_1); // one char per octet, so octets survive
        Matcher m = Pattern.compile("(?im)^(?:via|v)\\s*:\\s*SIP\\s*/\\s*[0-9.]+\\s*/\\s*([A-Za-z]+)\\s+([^;,\\s]+)").matcher(text);
        assertTrue(m.find(), "no Via in the fixture");
        String rest = text.substring(m.end(2));
        // The RFC reuses branch z9hG4bKkdjuw in many messages, and jain-sip keys server transactions
        // by branch alone, so each send gets its own; a bare magic cookie (§3.2.1) is left as the case.
        Matcher b = Pattern.compile("(?i)^[^,\\n]*?branch\\s*=\\s*(z9hG4bK[^;,\\s]+)").matcher(rest);
        if (b.find()) {
            rest = rest.substring(0, b.end(1)) + "-" + SENDS.incrementAndGet() + rest.substring(b.end(1));
        }
        String rewritten = text.substring(0, m.start(1)) + "UDP" + text.substring(m.end(1), m.start(2))
                + "127.0.0.1:" + port + rest;
        return rewritten.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String callId(byte[] message) {
        Matcher m = Pattern.compile("(?im)^(?:call-id|i)\\s*:\\s*(\\S+)").matcher(new String(message, StandardCharsets.ISO_8859_1));
        assertTrue(m.find(), "no Call-ID");
        return m.group(1);
    }
}
