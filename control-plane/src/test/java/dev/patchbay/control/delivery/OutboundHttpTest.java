package dev.patchbay.control.delivery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.patchbay.control.testing.Receiver;
import dev.patchbay.control.testing.Receiver.Answer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Redirects followed by hand and re-checked, and each way a POST can fail, over real loopback sockets. */
class OutboundHttpTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final OutboundPolicy LOOPBACK_OK = new OutboundPolicy(true, false, false);

    private static OutboundHttp http(SsrfGuard guard) {
        return new OutboundHttp(OutboundHttp.newClient(TIMEOUT), guard);
    }

    @Test
    void followsThreeRedirectsKeepingMethodBodyAndHeadersCheckingEachHop() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        SsrfGuard guard = new SsrfGuard(LOOPBACK_OK, host -> {
            lookups.incrementAndGet();
            return InetAddress.getAllByName(host);
        });
        try (Receiver r = Receiver.loopback(req -> switch (req.path()) {
            case "/a" -> Answer.redirect(301, "/b");
            case "/b" -> Answer.redirect(307, "/c");
            case "/c" -> Answer.redirect(308, "/d");
            default -> Answer.of(204);
        })) {
            OutboundHttp.Outcome.Response res = assertInstanceOf(OutboundHttp.Outcome.Response.class,
                    http(guard).post(r.url("/a"), "{\"x\":1}", Map.of("X-Test", "kept"), TIMEOUT));
            assertEquals(204, res.status());
            assertEquals(r.url("/d"), res.finalUrl());
            assertEquals(4, lookups.get(), "the guard resolved the host again for every hop");
            assertEquals(List.of("/a", "/b", "/c", "/d"), r.requests().stream().map(Receiver.Request::path).toList());
            for (Receiver.Request req : r.requests()) {
                assertEquals("POST", req.method());
                assertEquals("{\"x\":1}", req.body());
                assertEquals("kept", req.header("X-Test"));
            }
        }
    }

    @Test
    void aFourthRedirectIsAnError() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.redirect(302, "/again"))) {
            OutboundHttp.Outcome.Failed f = assertInstanceOf(OutboundHttp.Outcome.Failed.class,
                    http(new SsrfGuard(LOOPBACK_OK)).post(r.url("/start"), "{}", Map.of(), TIMEOUT));
            assertEquals(OutboundHttp.Failure.REDIRECTS, f.kind());
            assertEquals(4, r.requests().size(), "the first request and three redirects");
        }
    }

    @Test
    void redirectToTheMetadataServiceIsRefusedBeforeConnecting() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.redirect(302, "http://169.254.169.254/latest/meta-data/"))) {
            OutboundHttp.Outcome.Refused refused = assertInstanceOf(OutboundHttp.Outcome.Refused.class,
                    http(new SsrfGuard(new OutboundPolicy(true, true, true))).post(r.url("/cb"), "{}", Map.of(), TIMEOUT));
            assertTrue(refused.reason().contains("redirect hop 1") && refused.reason().contains("169.254.169.254"),
                    refused.reason());
        }
    }

    @Test
    void redirectToLoopbackIsRefusedWhenLoopbackIsNotAllowed() throws Exception {
        InetAddress own = ownNonLoopbackAddress();
        assumeTrue(own != null, "this machine has no non-loopback address to serve the first hop from");
        try (Receiver target = Receiver.loopback(req -> Answer.of(200));
             Receiver first = new Receiver(own, req -> Answer.redirect(307, target.url("/internal").toString()))) {
            OutboundPolicy noLoopback = new OutboundPolicy(false, true, false);
            OutboundHttp.Outcome.Refused refused = assertInstanceOf(OutboundHttp.Outcome.Refused.class,
                    http(new SsrfGuard(noLoopback)).post(first.url("/cb"), "{}", Map.of(), TIMEOUT));
            assertTrue(refused.reason().contains("127.0.0.1") && refused.reason().contains(OutboundPolicy.ALLOW_LOOPBACK),
                    refused.reason());
            assertEquals(1, first.requests().size());
            assertEquals(0, target.requests().size(), "the loopback service was never contacted");
        }
    }

    @Test
    void loopbackTargetIsRefusedWithoutAConnection() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.of(200))) {
            assertInstanceOf(OutboundHttp.Outcome.Refused.class,
                    http(new SsrfGuard(OutboundPolicy.STRICT)).post(r.url("/cb"), "{}", Map.of(), TIMEOUT));
            assertEquals(0, r.requests().size());
        }
    }

    @Test
    void closedPortIsConnectionRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        OutboundHttp.Outcome.Failed f = assertInstanceOf(OutboundHttp.Outcome.Failed.class,
                http(new SsrfGuard(LOOPBACK_OK)).post(URI.create("http://127.0.0.1:" + port + "/cb"), "{}", Map.of(), TIMEOUT));
        assertEquals(OutboundHttp.Failure.CONNECTION_REFUSED, f.kind());
    }

    @Test
    void slowReceiverIsATimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Receiver r = Receiver.loopback(req -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.of(200);
        })) {
            long start = System.nanoTime();
            OutboundHttp.Outcome.Failed f = assertInstanceOf(OutboundHttp.Outcome.Failed.class,
                    http(new SsrfGuard(LOOPBACK_OK)).post(r.url("/cb"), "{}", Map.of(), Duration.ofMillis(300)));
            assertEquals(OutboundHttp.Failure.TIMEOUT, f.kind());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3), "gave up near the timeout");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aClientThatFollowsRedirectsItselfIsRejected() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OutboundHttp(following, new SsrfGuard(LOOPBACK_OK)));
        assertTrue(e.getMessage().contains("Redirect.NEVER"), e.getMessage());
    }

    /** A local address that is neither loopback nor link-local, e.g. the container's own. */
    private static InetAddress ownNonLoopbackAddress() throws Exception {
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : ni.inetAddresses().toList()) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !(a instanceof Inet6Address)) {
                    return a;
                }
            }
        }
        return null;
    }
}
