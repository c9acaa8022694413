package dev.patchbay.media.app;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.testutil.LogWatch;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bot stream that breaks (its process died) leaves the call up for the re-attach grace; a bot
 * that attaches again with the token gets the caller's audio; nobody re-attaching ends the call.
 */
class BotReattachTest extends SharedMediaPlane {

    /** Longer than MediaPlaneFixture's 2 s re-attach grace, which the tests wait out. */
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aBrokenBotStreamWaitsForAReattachAndEndsWithoutOne() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(plane.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            sip.request("INVITE", "echo", 1, "ra1", null, null, SipUdpClient.sdp(rtp.getLocalPort(), "0",
                    "a=rtpmap:0 PCMU/8000\r\n"));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            String callId = offered.getCallId();
            String token = offered.getOffered().getAttachToken();
            TestControl.Bot first = control.attach(callId, token, AudioFormat.PCMU);
            control.decide(RouteDecision.newBuilder().setCallId(callId).setAnswer(Answer.newBuilder()));
            SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
            String toTag = ok.header("To").replaceAll(".*;tag=", "");
            sip.request("ACK", "echo", 1, "ra1ack", toTag, null, null);
            first.next(CallerToBot.MessageCase.ATTACHED, WAIT);
            Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(ok.body());
            assertTrue(m.find(), ok.body());
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));

            // The bot's process dies: its stream is cancelled, not closed.
            try (LogWatch log = LogWatch.on(CallManager.class)) {
                first.send.onError(new IllegalStateException("bot process killed"));
                // Re-attaching before the media-plane has seen the cancel would test nothing.
                log.await(line -> line.startsWith("call " + callId + ": ") && line.contains("waiting"), WAIT,
                        "the media-plane to see the lost stream");
            }
            assertTrue(plane.calls().byId(callId).isPresent(), "the call is still up");

            TestControl.Bot second = control.attach(callId, token, AudioFormat.PCMU);
            second.next(CallerToBot.MessageCase.ATTACHED, WAIT);
            for (int p = 0; p < 5; p++) {
                sendPcmu(rtp, media, p);
            }
            assertEquals(160, second.next(CallerToBot.MessageCase.AUDIO, WAIT).getAudio().getPayload().size(),
                    "the re-attached bot hears the caller");
            // Past the first loss's grace, the call is still up because a bot came back.
            Await.holds(() -> plane.calls().byId(callId).isPresent(), Duration.ofSeconds(2), "a re-attach cancels the hang-up");

            second.send.onError(new IllegalStateException("killed again"));
            SipMessage bye = sip.nextRequest(Duration.ofSeconds(6));
            assertTrue(bye.startLine().startsWith("BYE "), bye.startLine());
            sip.respond(bye, 200, "OK");
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, callId, WAIT);
            assertEquals(HangupCause.BOT_HANGUP, hangup.getHangup().getCause());
            assertTrue(hangup.getHangup().getReason().contains("no bot re-attached"), hangup.getHangup().getReason());
        }
    }

    @Test
    void aHangupWhileNoReplicaListensReachesTheNextOneToConnect() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(plane.sipPort())) {
            sip.request("INVITE", "echo", 1, "nr1", null, null, SipUdpClient.sdp(40000, "0", "a=rtpmap:0 PCMU/8000\r\n"));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.newBuilder()));
            SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
            String toTag = ok.header("To").replaceAll(".*;tag=", "");
            sip.request("ACK", "echo", 1, "nr1ack", toTag, null, null);

            control.close(); // the only replica goes away
            MediaPlaneSipTest.awaitTrue(() -> plane.hub().connected() == 0, "the replica to be gone");
            sip.request("BYE", "echo", 2, "nr1bye", toTag, null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());

            control = new TestControl(plane.grpcPort());
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, offered.getCallId(), WAIT);
            assertEquals(HangupCause.CALLER_BYE, hangup.getHangup().getCause());
        }
    }

    private static void sendPcmu(DatagramSocket rtp, InetSocketAddress media, int p) throws java.io.IOException {
        byte[] voiced = new byte[160];
        java.util.Arrays.fill(voiced, (byte) 0x55);
        byte[] packet = dev.patchbay.media.testutil.RtpPackets.pcmu(p, 0x42, voiced);
        rtp.send(new DatagramPacket(packet, packet.length, media));
    }
}
