package dev.patchbay.media.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.patchbay.media.sip.SourceGuard;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.SipUdpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real sipvicious tools (Debian package sipvicious) sweep the gateway and learn nothing, while
 * an ordinary peer is answered; a flooding source is cut down to its bucket.
 */
class SipScannerTest {

    private static final Logger LOG = Logger.getLogger(SipScannerTest.class.getName());

    private static MediaPlaneFixture fixture;
    private static MediaPlane plane;
    private static int port;
    private static TestControl control;

    @BeforeAll
    static void start() throws Exception {
        port = Ports.freeUdpAndTcp();
        MediaConfig base = MediaPlaneFixture.config(port, Ports.rtpBase(100));
        // OPTIONS answers 200 only while the node can take a call, which needs a control-plane.
        fixture = MediaPlaneFixture.start(base.withSipGuard(base.sipGuard().withLimit(20, 40)));
        plane = fixture.plane();
        control = fixture.control();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        for (String tool : List.of("/usr/bin/svmap", "/usr/bin/svwar", "/usr/bin/svcrack")) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new AssertionError(tool + " is missing: run `apt-get install sipvicious` (./patchbay test does it)");
            }
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        LOG.info(() -> String.join(" ", command) + " ->\n" + out); // the figures in docs/reliability.md come from here
        return out;
    }

    @Test
    void svmapFindsNoSipDevice() throws Exception {
        long before = plane.sipGuard().scannersDropped();
        String out = run(List.of("svmap", "127.0.0.1", "-p", Integer.toString(port)));
        assertFalse(out.contains("127.0.0.1:" + port), "svmap must not list the gateway:\n" + out);
        assertTrue(plane.sipGuard().scannersDropped() > before, "its probes reached the gateway and were dropped:\n" + out);
    }

    @Test
    void svwarFindsNoExtension() throws Exception {
        long before = plane.sipGuard().scannersDropped();
        Path names = Files.createTempFile("svwar", ".txt");
        Files.writeString(names, "echo\nadmin\n100\n101\n1000\n+15550001\n");
        String out = run(List.of("svwar", "-d", names.toString(), "-m", "INVITE", "-p", Integer.toString(port), "127.0.0.1"));
        assertFalse(out.matches("(?s).*\\|\\s*(echo|1\\d\\d|1000)\\s*\\|.*"), "svwar must report no extension:\n" + out);
        assertTrue(plane.sipGuard().scannersDropped() > before, "its requests reached the gateway and were dropped:\n" + out);
    }

    @Test
    void svcrackFindsNoPassword() throws Exception {
        long before = plane.sipGuard().scannersDropped();
        Path passwords = Files.createTempFile("svcrack", ".txt");
        Files.writeString(passwords, "100\n1234\npassword\nsecret\nadmin\n");
        String out = run(List.of("svcrack", "-u", "100", "-d", passwords.toString(), "-p", Integer.toString(port), "127.0.0.1"));
        assertTrue(out.contains("no server response") || out.contains("found nothing"), "svcrack must crack nothing:\n" + out);
        assertFalse(out.matches("(?s).*\\|\\s*100\\s*\\|.*"), "svcrack must report no password:\n" + out);
        assertTrue(plane.sipGuard().scannersDropped() > before, "its REGISTERs reached the gateway and were dropped:\n" + out);
    }

    /**
     * A scanner that hides its User-Agent gets answers, but the same answer for every name: svwar
     * tells extensions apart only by answers that differ from the one for a made-up name.
     */
    @Test
    void aDisguisedScannerLearnsNoExtensionFromTheAnswers() throws Exception {
        MediaConfig base = MediaPlaneFixture.config(Ports.freeUdpAndTcp(), Ports.rtpBase(100));
        SourceGuard.Settings open = new SourceGuard.Settings(List.of(), 0, 0, base.sipGuard().connections());
        try (MediaPlaneFixture blind = MediaPlaneFixture.start(base.withSipGuard(open))) {
            Path names = Files.createTempFile("svwar", ".txt");
            Files.writeString(names, "echo\nadmin\n100\n101\n1000\n+15550001\n");
            for (String method : List.of("REGISTER", "OPTIONS")) {
                String out = run(List.of("svwar", "-d", names.toString(), "-m", method, "-p",
                        Integer.toString(blind.plane().sipPort()), "127.0.0.1"));
                assertFalse(out.contains("no server response"), method + ": the disguised scanner is answered:\n" + out);
                assertFalse(out.matches("(?s).*\\|\\s*(echo|admin|1\\d\\d|1000|\\+15550001)\\s*\\|.*"),
                        method + ": svwar must report no extension:\n" + out);
            }
        }
    }

    @Test
    void anOrdinaryPeerIsAnsweredAndAScannerUserAgentIsNot() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(port)) {
            sip.request("OPTIONS", "ping", 1, "o1", null, "User-Agent: friendly-scanner\r\n", null);
            assertNull(sip.finalResponseTo("1 OPTIONS", Duration.ofMillis(700)), "no answer at all to a scanner");
            sip.request("OPTIONS", "ping", 2, "o2", null, "User-Agent: RingCX/1.0\r\n", null);
            assertEquals(200, sip.finalResponseTo("2 OPTIONS", Duration.ofSeconds(5)).status());
        }
    }

    @Test
    void aFloodingSourceIsCutDownToItsBucket() throws Exception {
        long before = plane.sipGuard().throttled();
        try (SipUdpClient sip = new SipUdpClient(port)) {
            long start = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                sip.request("OPTIONS", "ping", 10 + i, "f" + i, null, null, null);
                // ~2 per ms: a flood for a 20/s bucket, but slow enough not to overrun loopback UDP buffers
                java.util.concurrent.locks.LockSupport.parkNanos(500_000);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int answered = 0;
            for (SipUdpClient.SipMessage m = sip.finalResponse(Duration.ofMillis(500)); m != null;
                 m = sip.finalResponse(Duration.ofMillis(500))) {
                assertEquals(200, m.status(), m.startLine());
                answered++;
            }
            long dropped = plane.sipGuard().throttled() - before;
            // The bucket holds 40 and refills at 20/s while the 200 go out; the rest get no answer. UDP may
            // still lose a few datagrams before they reach the stack, so the bounds leave room for that.
            double allowed = 40 + 20 * seconds;
            String what = answered + " answered, " + dropped + " dropped, " + String.format("%.0f", allowed) + " allowed";
            assertTrue(answered <= allowed + 1 && answered >= allowed / 2, what);
            assertTrue(dropped >= 100 && answered + dropped <= 200, what);
        }
    }
}
