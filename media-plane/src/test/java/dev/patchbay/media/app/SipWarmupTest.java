package dev.patchbay.media.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import dev.patchbay.media.sip.WarmupSettings;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The media-plane's start-up rehearsal of the INVITE path (issue 17, cold start): readiness waits for it,
 * and it leaves no call, port, metric or Control event behind.
 */
class SipWarmupTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int INVITES = 2000;

    @Test
    void readinessWaitsForTheRehearsalWhichLeavesNothingBehind() throws Exception {
        int observe = Ports.freeUdpAndTcp();
        MediaConfig base = MediaPlaneFixture.config().withObservePort(observe);
        MediaConfig config = base.withSipWarmup(new WarmupSettings(INVITES, 8, WAIT));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + observe + "/health/ready")).build();

        CompletableFuture<MediaPlane> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return MediaPlane.start(config);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // The first answer the probe gets, while start() is still rehearsing.
        AtomicReference<HttpResponse<String>> first = new AtomicReference<>();
        Await.until(() -> {
            try {
                first.set(http.send(ready, HttpResponse.BodyHandlers.ofString()));
                return true;
            } catch (java.io.IOException e) {
                return starting.isDone(); // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }, WAIT, "the observe socket to answer");
        try (MediaPlane plane = starting.get()) {
            assertNotNull(first.get(), "the probe was answered before start() returned");
            assertEquals(503, first.get().statusCode(), first.get().body());
            assertTrue(first.get().body().contains("warming up"), first.get().body());

            WarmupSettings.Report report = plane.sip().warmup();
            assertEquals(INVITES, report.sent(), report.toString());
            assertEquals(INVITES, report.answered(), "every rehearsed INVITE got its final response: " + report);

            assertEquals(0, plane.calls().activeCalls(), "no rehearsal became a call");
            for (HangupCause cause : HangupCause.values()) {
                assertEquals(0, plane.calls().endedWith(cause), "no call ended with " + cause);
            }
            assertEquals(plane.calls().ports().capacity(), plane.calls().ports().available(), "every port came back");
            assertEquals(0, plane.sipRefused(), "no rehearsal was refused by validation");
            assertEquals(0, plane.sipGuard().throttled(), "the rehearsal took no source's tokens");
            double invites = plane.metrics().registry().find("patchbay.sip.invite.responses").counters().stream()
                    .mapToDouble(Counter::count).sum();
            assertEquals(0, invites, "the rehearsal's 503s are not counted as INVITE responses");

            // Once ready, the header is no pass: such an INVITE is a caller's, offered like any other, and
            // the control-plane's first event is that offer, with nothing of the rehearsal before it.
            try (TestControl control = new TestControl(plane.grpcPort()); SipUdpClient caller = new SipUdpClient(plane.sipPort())) {
                Await.until(() -> plane.hub().connected() == 1, WAIT, "the test control stream");
                caller.request("INVITE", "echo", 1, "after", null, "X-Patchbay-Rehearsal: guessed\r\n",
                        SipUdpClient.sdp(4000, "0", "a=rtpmap:0 PCMU/8000\r\n"));
                ControlEvent offered = control.events.poll(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                assertNotNull(offered, "the caller's INVITE was offered");
                assertEquals(ControlEvent.EventCase.OFFERED, offered.getEventCase(), offered.toString());
                assertEquals(caller.callId, offered.getOffered().getSipCallId());
            }
        }
    }
}
