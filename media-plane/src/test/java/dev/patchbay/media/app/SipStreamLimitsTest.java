package dev.patchbay.media.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.patchbay.media.sip.SourceGuard;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20 §5 over real TCP on loopback (127.0.0.0/8 gives the distinct sources): connection caps
 * per source and in total, idle connections closed, a slow-loris that blocks nobody, and a 2 MB
 * message refused on its headers.
 */
class SipStreamLimitsTest {

    private static final int PER_SOURCE = 3;
    private static final int TOTAL = 5;
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private MediaPlaneFixture fixture;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        MediaConfig base = MediaPlaneFixture.config();
        fixture = MediaPlaneFixture.start(base.withSipGuard(base.sipGuard()
                .withConnections(new SourceGuard.Connections(TOTAL, PER_SOURCE, IDLE))));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        fixture.close();
    }

    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), fixture.plane().sipPort()));
        return s;
    }

    private static String options(Socket s, int n) {
        return "OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP " + s.getLocalAddress().getHostAddress() + ":" + s.getLocalPort() + ";branch=z9hG4bKlim" + n + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:t@127.0.0.1>;tag=t" + n + "\r\nTo: <sip:ping@127.0.0.1>\r\n"
                + "Call-ID: limits" + n + "-" + s.getLocalPort() + "@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    }

    /** Sends an OPTIONS and reads until its answer: true if one came, false if the connection ended first. */
    private static boolean answered(Socket s, int n) throws IOException {
        try {
            s.getOutputStream().write(options(s, n).getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout((int) WAIT.toMillis());
            InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!got.toString().contains("\r\n\r\n")) {
                int r = in.read(buf);
                if (r < 0) {
                    return false;
                }
                got.append(new String(buf, 0, r, StandardCharsets.US_ASCII));
            }
            return got.toString().startsWith("SIP/2.0 ");
        } catch (SocketException e) {
            return false; // reset
        }
    }

    /** Whether the server ends the connection (FIN or reset) within {@code within}, with nothing more sent. */
    private static boolean endedByServer(Socket s, Duration within) throws IOException {
        s.setSoTimeout((int) within.toMillis());
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    @Test
    void aSourceOverItsCapIsResetWhileOthersStillConnect() throws Exception {
        for (int i = 0; i < PER_SOURCE; i++) {
            assertTrue(answered(connect("127.0.0.1"), i), "connection " + i + " within the cap");
        }
        Socket over = connect("127.0.0.1");
        assertFalse(answered(over, 10), "the fourth connection from one source is reset");
        assertTrue(answered(connect("127.0.0.3"), 11), "another source still connects");
        assertTrue(fixture.plane().sip().refusedConnections() >= 1);
    }

    @Test
    void theTotalCapHoldsAcrossSourcesAndFreesAsConnectionsClose() throws Exception {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < TOTAL; i++) {
            Socket s = connect("127.0.0." + (10 + i % 2));
            assertTrue(answered(s, i), "connection " + i + " within the total");
            held.add(s);
        }
        assertFalse(answered(connect("127.0.0.20"), 20), "a sixth connection, from a new source, is over the total");
        held.getFirst().close();
        Await.until(() -> fixture.plane().sip().openConnections() < TOTAL, WAIT, "the closed connection to be forgotten");
        assertTrue(answered(connect("127.0.0.20"), 21), "a freed slot is taken again");
    }

    @Test
    void anIdleConnectionIsClosedAndAnActiveOneIsNot() throws Exception {
        Socket idle = connect("127.0.0.1");
        Socket active = connect("127.0.0.1");
        boolean closed = false;
        // The active one speaks every quarter of the idle time while the silent one waits.
        for (int i = 0; i < 16 && !closed; i++) {
            assertTrue(answered(active, i), "the connection that keeps speaking stays open (round " + i + ")");
            closed = endedByServer(idle, IDLE.dividedBy(4));
        }
        assertTrue(closed, "the silent connection was closed after " + IDLE);
        assertTrue(answered(active, 99), "its sibling still works");
        Await.until(() -> fixture.plane().sip().openConnections() == 1, WAIT, "the closed one to be forgotten");
    }

    @Test
    void aSlowLorisBlocksNobodyAndIsCutOff() throws Exception {
        Socket loris = connect("127.0.0.1");
        OutputStream out = loris.getOutputStream();
        byte[] start = options(loris, 1).getBytes(StandardCharsets.US_ASCII);
        out.write(start, 0, 20); // a request line begun and never finished
        long began = System.nanoTime();
        int sent = 20;
        boolean cut = false;
        // One byte every 200 ms, while another client is served; jain-sip's read timeout
        // (gov.nist.javax.sip.READ_TIMEOUT, 1 s for a whole header block) ends the loris.
        for (int i = 0; i < 40 && !cut; i++) {
            try (Socket normal = connect("127.0.0.3")) {
                assertTrue(answered(normal, 100 + i), "a normal client is answered while the loris dribbles");
            }
            try {
                out.write(start[sent++]);
                out.flush();
            } catch (SocketException e) {
                cut = true;
            }
            cut = cut || endedByServer(loris, Duration.ofMillis(200));
        }
        assertTrue(cut, "the slow-loris connection was closed, after " + (System.nanoTime() - began) / 1_000_000 + " ms");
    }

    @Test
    void aTwoMegabyteMessageIsRefusedOnItsHeaders() throws Exception {
        Socket big = connect("127.0.0.1");
        int length = 2 * 1024 * 1024;
        String head = "MESSAGE sip:ping@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 127.0.0.1:" + big.getLocalPort() + ";branch=z9hG4bKbig\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:t@127.0.0.1>;tag=big\r\nTo: <sip:ping@127.0.0.1>\r\n"
                + "Call-ID: big@test\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: " + length + "\r\n\r\n";
        OutputStream out = big.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[16 * 1024]); // the first part of the body only: the rest is never sent
        assertTrue(endedByServer(big, WAIT), "the connection ends without the server waiting for the other 2 MB");
        assertTrue(answered(connect("127.0.0.1"), 2), "the same source connects again and is served");
        assertEquals(1, fixture.plane().sip().openConnections(), "only the new connection is held");
    }
}
