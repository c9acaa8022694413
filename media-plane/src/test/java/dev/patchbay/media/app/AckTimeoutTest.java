package dev.patchbay.media.app;

import java.time.Duration;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 200 OK that is never acknowledged ends the call; one that is acknowledged never does. */
class AckTimeoutTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void anUnacknowledgedAnswerEndsTheCallAndAnAcknowledgedOneStays() throws Exception {
        // MediaPlaneFixture: the ACK timeout is 5 s.
        try (MediaPlaneFixture media = MediaPlaneFixture.start(MediaPlaneFixture.config());
             SipUdpClient silent = new SipUdpClient(media.plane().sipPort());
             SipUdpClient polite = new SipUdpClient(media.plane().sipPort())) {
            MediaPlane plane = media.plane();
            TestControl control = media.control();
            String silentId = answer(control, silent, "s1");
            String politeId = answer(control, polite, "p1");
            SipMessage ok = polite.finalResponseTo("1 INVITE", WAIT);
            polite.request("ACK", "echo", 1, "p1ack", ok.header("To").replaceAll(".*;tag=", ""), null, null);

            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, silentId, Duration.ofSeconds(10));
            assertEquals(HangupCause.NO_ACK, hangup.getHangup().getCause());
            // Well past the same 5 s: the acknowledged call is still up.
            Await.holds(() -> plane.calls().byId(politeId).isPresent(), Duration.ofSeconds(1),
                    "an acknowledged call never times out for want of an ACK");
        }
    }

    private static String answer(TestControl control, SipUdpClient sip, String branch) throws Exception {
        sip.request("INVITE", "echo", 1, branch, null, null, SipUdpClient.sdp(40000, "0", "a=rtpmap:0 PCMU/8000\r\n"));
        ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
        control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.newBuilder()));
        return offered.getCallId();
    }
}
