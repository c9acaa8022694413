package dev.patchbay.media.app;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.EarlyMedia;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.PlaceCallResponse;
import dev.patchbay.proto.media.v1.Ring;
import dev.patchbay.proto.media.v1.Ringback;
import dev.patchbay.proto.media.v1.RouteDecision;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trunk's codec order (RouteDecision.codecs, PlaceCallRequest.codecs) over real SIP on loopback: the
 * SDP answer of an inbound call and the offer of an outbound one follow it, and a far end with none
 * of its codecs is refused 488.
 */
class TrunkCodecOrderTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String WIDE_AND_NARROW = "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\n";

    @Test
    void anInboundAnswerTakesTheOfferedCodecTheTrunkRanksBest() throws Exception {
        assertEquals("9 101", answeredFormats(List.of()), "the default order prefers G.722");
        assertEquals("8 101", answeredFormats(List.of("PCMA", "G722")), "the trunk ranks PCMA first");
        assertEquals("0 101", answeredFormats(List.of("pcmu")), "the trunk takes PCMU only");
    }

    @Test
    void anInboundOfferWithNoneOfTheTrunksCodecsGets488NamingTheOrder() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(plane.sipPort())) {
            sip.request("INVITE", "echo", 1, "order488", null, null, SipUdpClient.sdp(4000, "0 8 9 101", WIDE_AND_NARROW));
            String callId = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
            control.decide(RouteDecision.newBuilder().setCallId(callId).addCodecs("OPUS").setAnswer(Answer.getDefaultInstance()));
            SipMessage r = sip.finalResponseTo("1 INVITE", WAIT);
            assertEquals(488, r.status());
            assertTrue(r.header("Reason").contains("[OPUS]"), r.header("Reason"));
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, callId, WAIT);
            assertEquals(HangupCause.NOT_ACCEPTABLE, hangup.getHangup().getCause());
        }
    }

    @Test
    void earlyMediaAnswersUnderTheTrunksOrderToo() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(plane.sipPort())) {
            sip.request("INVITE", "echo", 1, "orderearly", null, null, SipUdpClient.sdp(4000, "0 8 9 101", WIDE_AND_NARROW));
            String callId = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
            control.decide(RouteDecision.newBuilder().setCallId(callId).addCodecs("PCMA")
                    .setRing(Ring.newBuilder().setEarlyMedia(EarlyMedia.newBuilder().setRingback(Ringback.getDefaultInstance()))));
            SipMessage progress = sip.receive(WAIT);
            while (progress != null && progress.status() != 183) {
                progress = sip.receive(WAIT);
            }
            assertTrue(progress != null, "a 183 with SDP");
            assertEquals("8 101", formats(progress.body()));
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(callId).build()).get(5, TimeUnit.SECONDS);
            control.next(ControlEvent.EventCase.HANGUP, callId, WAIT);
        }
    }

    @Test
    void anOutboundOfferListsTheTrunksCodecsInOrderAndTakesTheAnswersPick() throws Exception {
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            PlaceCallResponse call = control.rpc().placeCall(request(trunk).addAllCodecs(List.of("G722", "opus", "PCMU")).build())
                    .get(5, TimeUnit.SECONDS);
            SipMessage invite = trunk.nextRequest(WAIT);
            assertEquals("9 111 0 101", formats(invite.body()), invite.body());
            assertTrue(invite.body().contains("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 maxplaybackrate=16000"), invite.body());
            assertTrue(!invite.body().contains("PCMA"), "PCMA is left out by the trunk");
            trunk.respond(invite, 200, "OK", "o1", SipUdpClient.sdp(rtp.getLocalPort(), "9 101",
                    "a=rtpmap:9 G722/8000\r\na=rtpmap:101 telephone-event/8000\r\n"),
                    "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n");
            ControlEvent answered = control.next(ControlEvent.EventCase.ANSWERED, call.getCallId(), WAIT);
            assertEquals("G722", answered.getAnswered().getCodec().getName());
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(call.getCallId()).build()).get(5, TimeUnit.SECONDS);
            control.next(ControlEvent.EventCase.HANGUP, call.getCallId(), WAIT);
        }
    }

    @Test
    void anOutboundAnswerPickingACodecNotOfferedEndsTheCall488() throws Exception {
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort())) {
            int free = plane.calls().ports().available();
            PlaceCallResponse call = control.rpc().placeCall(request(trunk).addCodecs("G722").build()).get(5, TimeUnit.SECONDS);
            SipMessage invite = trunk.nextRequest(WAIT);
            assertEquals("9 101", formats(invite.body()), invite.body());
            trunk.respond(invite, 200, "OK", "o2", SipUdpClient.sdp(4000, "0", "a=rtpmap:0 PCMU/8000\r\n"),
                    "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n");
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, call.getCallId(), WAIT);
            assertEquals(HangupCause.NOT_ACCEPTABLE, hangup.getHangup().getCause());
            Await.until(() -> plane.calls().ports().available() == free, WAIT, "the RTP port to come back");
        }
    }

    @Test
    void anUnknownCodecIsRefusedNamingTheField() {
        var bad = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@127.0.0.1").setFromUri("sip:b@127.0.0.1")
                .setTrunkHost("127.0.0.1").addCodecs("G729").build());
        Status s = Status.fromThrowable(assertThrows(ExecutionException.class, bad::get));
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertTrue(s.getDescription().contains("codecs") && s.getDescription().contains("G729"), s.getDescription());
    }

    private static PlaceCallRequest.Builder request(SipUdpClient trunk) {
        return PlaceCallRequest.newBuilder().setToUri("sip:+15551234567@carrier.example").setFromUri("sip:+15557654321@patchbay.example")
                .setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort());
    }

    /** The payload types of the 200 OK's m= line for an offer of PCMU, PCMA and G.722 under {@code codecs}. */
    private static String answeredFormats(List<String> codecs) throws Exception {
        try (SipUdpClient sip = new SipUdpClient(plane.sipPort())) {
            sip.request("INVITE", "echo", 1, "order" + codecs.size(), null, null, SipUdpClient.sdp(4000, "0 8 9 101", WIDE_AND_NARROW));
            String callId = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
            control.decide(RouteDecision.newBuilder().setCallId(callId).addAllCodecs(codecs).setAnswer(Answer.getDefaultInstance()));
            SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
            assertEquals(200, ok.status(), ok.raw());
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(callId).build()).get(5, TimeUnit.SECONDS);
            control.next(ControlEvent.EventCase.HANGUP, callId, WAIT);
            return formats(ok.body());
        }
    }

    private static String formats(String sdp) {
        Matcher m = Pattern.compile("m=audio \\d+ RTP/AVP ([0-9 ]+)\r\n").matcher(sdp);
        assertTrue(m.find(), sdp);
        return m.group(1);
    }
}
