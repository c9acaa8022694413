package dev.patchbay.media.app;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.Ring;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The call cap, draining on shutdown, and the RTP inactivity timeout, over real SIP on loopback. */
class CallLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String OFFER = SipUdpClient.sdp(4000, "0", "a=rtpmap:0 PCMU/8000\r\n");

    private static MediaPlane start(int maxCalls, Duration rtpTimeout) throws Exception {
        return MediaPlane.start(MediaPlaneFixture.config().withMaxCalls(maxCalls).withRtpTimeout(rtpTimeout));
    }

    private static int sipPort(MediaPlane plane) {
        return plane.sipPort();
    }

    @Test
    void invitesBeyondTheCapGet503WithRetryAfter() throws Exception {
        try (MediaPlane plane = start(1, Duration.ofSeconds(30)); TestControl control = new TestControl(plane.grpcPort());
             SipUdpClient first = new SipUdpClient(sipPort(plane)); SipUdpClient second = new SipUdpClient(sipPort(plane))) {
            Await.until(() -> plane.hub().connected() == 1, WAIT, "control stream");
            first.request("INVITE", "a", 1, "cap1", null, null, OFFER);
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setRing(Ring.getDefaultInstance()));

            second.request("INVITE", "b", 1, "cap2", null, null, OFFER);
            SipMessage refused = second.finalResponse(WAIT);
            assertEquals(503, refused.status());
            assertNotNull(refused.header("Retry-After"));
            assertTrue(refused.header("Reason").contains("patchbay.call.max"), refused.header("Reason"));
            assertEquals(1, plane.calls().activeCalls(), "the refused INVITE allocated nothing");
        }
    }

    @Test
    void drainingRefusesNewCallsAndWaitsForTheOnesInProgress() throws Exception {
        try (MediaPlane plane = start(10, Duration.ofSeconds(30)); TestControl control = new TestControl(plane.grpcPort());
             SipUdpClient caller = new SipUdpClient(sipPort(plane)); SipUdpClient late = new SipUdpClient(sipPort(plane))) {
            Await.until(() -> plane.hub().connected() == 1, WAIT, "control stream");
            caller.request("INVITE", "a", 1, "drain1", null, null, OFFER);
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            SipMessage ok = caller.finalResponse(WAIT);
            assertEquals(200, ok.status());
            String toTag = ok.header("To").replaceAll(".*;tag=", "");
            caller.request("ACK", "a", 1, "drain1ack", toTag, null, null);

            CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> {
                try {
                    plane.calls().drain(Duration.ofSeconds(20));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Await.until(() -> plane.calls().refusal() != null, WAIT, "draining to begin");
            late.request("INVITE", "b", 1, "drain2", null, null, OFFER);
            SipMessage refused = late.finalResponse(WAIT);
            assertEquals(503, refused.status());
            assertTrue(refused.header("Reason").contains("shutting down"), refused.header("Reason"));
            assertFalse(drained.isDone(), "the call in progress keeps the node draining");

            caller.request("BYE", "a", 2, "drain1bye", toTag, null, null);
            assertEquals(200, caller.finalResponse(WAIT).status());
            drained.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(HangupCause.CALLER_BYE, control.next(ControlEvent.EventCase.HANGUP, WAIT).getHangup().getCause());
        }
    }

    @Test
    void aCallerThatSendsNoRtpIsHungUpWithAReason() throws Exception {
        try (MediaPlane plane = start(10, Duration.ofSeconds(1)); TestControl control = new TestControl(plane.grpcPort());
             SipUdpClient caller = new SipUdpClient(sipPort(plane))) {
            Await.until(() -> plane.hub().connected() == 1, WAIT, "control stream");
            int free = plane.calls().ports().available();
            caller.request("INVITE", "a", 1, "quiet1", null, null, OFFER);
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            SipMessage ok = caller.finalResponse(WAIT);
            assertEquals(200, ok.status());
            caller.request("ACK", "a", 1, "quiet1ack", ok.header("To").replaceAll(".*;tag=", ""), null, null);

            SipMessage bye = caller.nextRequest(Duration.ofSeconds(4));
            assertNotNull(bye, "the silent call must be hung up");
            assertTrue(bye.startLine().startsWith("BYE "), bye.startLine());
            assertTrue(bye.header("Reason").contains("no RTP"), bye.header("Reason"));
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, WAIT);
            assertEquals(HangupCause.MEDIA_TIMEOUT, hangup.getHangup().getCause());
            Await.until(() -> plane.calls().ports().available() == free, WAIT, "the port to be released");
        }
    }

    @Test
    void aCallOnHoldIsNotTimedOutForSilence() throws Exception {
        try (MediaPlane plane = start(10, Duration.ofSeconds(1)); TestControl control = new TestControl(plane.grpcPort());
             SipUdpClient caller = new SipUdpClient(sipPort(plane))) {
            Await.until(() -> plane.hub().connected() == 1, WAIT, "control stream");
            caller.request("INVITE", "a", 1, "hold1", null, null, OFFER);
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            SipMessage ok = caller.finalResponse(WAIT);
            String toTag = ok.header("To").replaceAll(".*;tag=", "");
            caller.request("ACK", "a", 1, "hold1ack", toTag, null, null);
            caller.request("INVITE", "a", 2, "hold2", toTag, null, OFFER + "a=inactive\r\n");
            SipMessage held = caller.finalResponseTo("2 INVITE", WAIT);
            assertEquals(200, held.status());
            assertTrue(held.body().contains("a=inactive"), held.body());
            caller.request("ACK", "a", 2, "hold2ack", toTag, null, null);

            assertEquals(null, caller.nextRequest(Duration.ofMillis(2500)), "no BYE: a held caller owes no RTP");
            caller.request("BYE", "a", 3, "hold3", toTag, null, null);
            assertEquals(200, caller.finalResponseTo("3 BYE", WAIT).status());
            assertEquals(HangupCause.CALLER_BYE, control.next(ControlEvent.EventCase.HANGUP, WAIT).getHangup().getCause());
        }
    }

    @Test
    void sessionTimersAreNegotiatedRefreshedAndEnforced() throws Exception {
        MediaConfig config = MediaPlaneFixture.config().withMaxCalls(10).withMinSessionExpires(2);
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config);
             SipUdpClient caller = new SipUdpClient(config.sipPort())) {
            MediaPlane plane = media.plane();
            TestControl control = media.control();
            caller.request("INVITE", "a", 1, "se1", null, "Session-Expires: 1\r\nSupported: timer\r\n", OFFER);
            SipMessage tooSmall = caller.finalResponseTo("1 INVITE", WAIT);
            assertEquals(422, tooSmall.status());
            assertEquals("2", tooSmall.header("Min-SE"));

            SipUdpClient second = new SipUdpClient(config.sipPort());
            second.request("INVITE", "a", 1, "se2", null, "Session-Expires: 3;refresher=uac\r\nSupported: timer\r\n", OFFER);
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            SipMessage ok = second.finalResponseTo("1 INVITE", WAIT);
            assertEquals("3;refresher=uac", ok.header("Session-Expires"));
            assertEquals("timer", ok.header("Require"));
            String toTag = ok.header("To").replaceAll(".*;tag=", "");
            second.request("ACK", "a", 1, "se2ack", toTag, null, null);

            Thread.sleep(1000); // the caller refreshes half-way through the interval, as a refresher should
            second.request("UPDATE", "a", 2, "se3", toTag, "Session-Expires: 3;refresher=uac\r\nSupported: timer\r\n", null);
            SipMessage refreshed = second.finalResponseTo("2 UPDATE", WAIT);
            assertEquals(200, refreshed.status());
            assertEquals("", refreshed.body(), "a bare refresh gets no SDP");
            long refreshedAt = System.nanoTime();

            SipMessage bye = second.nextRequest(Duration.ofSeconds(5));
            assertTrue(bye != null && bye.startLine().startsWith("BYE "), "without a second refresh the call is hung up");
            long afterMs = (System.nanoTime() - refreshedAt) / 1_000_000;
            assertTrue(afterMs >= 1500, "not before the refresh deadline: " + afterMs + " ms");
            assertTrue(bye.header("Reason").contains("session refresh"), bye.header("Reason"));
            second.respond(bye, 200, "OK");
            assertEquals(HangupCause.SESSION_EXPIRED, control.next(ControlEvent.EventCase.HANGUP, offered.getCallId(), WAIT)
                    .getHangup().getCause());
            second.close();
        }
    }
}
