package dev.patchbay.media.consult;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.proto.media.v1.CancelConsultRequest;
import dev.patchbay.proto.media.v1.CompleteConsultRequest;
import dev.patchbay.proto.media.v1.ConsultCompletion;
import dev.patchbay.proto.media.v1.ConsultRequest;
import dev.patchbay.proto.media.v1.ConsultResponse;
import dev.patchbay.proto.media.v1.ConsultStep;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static dev.patchbay.media.consult.ConsultSipRig.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attended-transfer RPCs' refusals, each naming its cause, on a real answered call and a target on a real socket. */
class ConsultRequestsTest extends SharedMediaPlane {

    private static Status refused(Future<?> rpc) {
        return Status.fromThrowable(assertThrows(ExecutionException.class, () -> rpc.get(10, TimeUnit.SECONDS)));
    }

    private static void assertRefused(Status.Code code, String text, Future<?> rpc) {
        Status s = refused(rpc);
        assertEquals(code, s.getCode(), s.getDescription());
        assertTrue(s.getDescription().contains(text), s.getDescription() + " should name " + text);
    }

    @Test
    void badRequestsAreRefusedWithTheFieldOrStateAtFault() throws Exception {
        ConsultSipRig.Seen seen = new ConsultSipRig.Seen(control);
        String unknown = "CA" + "0".repeat(32);
        assertRefused(Status.Code.NOT_FOUND, unknown, control.rpc().consult(ConsultRequest.newBuilder().setCallId(unknown)
                .setTargetUri("sip:a@127.0.0.1").build()));
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort()); SipUdpClient agent = new SipUdpClient(plane.sipPort())) {
            String callId = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@carrier.example")
                    .setFromUri("sip:b@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort()).build())
                    .get(5, TimeUnit.SECONDS).getCallId();
            SipUdpClient.SipMessage invite = trunk.nextRequest(WAIT);
            assertRefused(Status.Code.FAILED_PRECONDITION, "not answered", control.rpc().consult(ConsultRequest.newBuilder()
                    .setCallId(callId).setTargetUri("sip:a@127.0.0.1").build()));
            trunk.respond(invite, 200, "OK", "t1", SipUdpClient.sdp(40_010, "0", "a=rtpmap:0 PCMU/8000\r\n"),
                    "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n");
            trunk.nextRequest(WAIT); // ACK
            seen.event(ControlEvent.EventCase.ANSWERED, callId);

            ConsultRequest ok = ConsultRequest.newBuilder().setCallId(callId).setTargetUri("sip:agent@127.0.0.1:" + agent.localPort()).build();
            assertRefused(Status.Code.INVALID_ARGUMENT, "target_uri", control.rpc().consult(ok.toBuilder().setTargetUri("tel:+15550100").build()));
            assertRefused(Status.Code.INVALID_ARGUMENT, "hold_wav", control.rpc().consult(ok.toBuilder()
                    .setHoldWav(ByteString.copyFromUtf8("not a wav")).build()));
            assertRefused(Status.Code.INVALID_ARGUMENT, "hold_wav", control.rpc().consult(ok.toBuilder()
                    .setHoldWav(ByteString.copyFrom(ConsultSipRig.wav(400, 61_000))).build()));
            assertRefused(Status.Code.INVALID_ARGUMENT, "consult_call_id", control.rpc().consult(ok.toBuilder()
                    .setConsultCallId("CA-not-hex").build()));
            assertRefused(Status.Code.INVALID_ARGUMENT, "consult_attach_token", control.rpc().consult(ok.toBuilder()
                    .setConsultAttachToken("short").build()));
            assertRefused(Status.Code.ALREADY_EXISTS, callId, control.rpc().consult(ok.toBuilder().setConsultCallId(callId).build()));
            assertRefused(Status.Code.FAILED_PRECONDITION, "no answered consult leg", control.rpc().completeConsult(
                    CompleteConsultRequest.newBuilder().setCallId(callId).build()));
            assertRefused(Status.Code.FAILED_PRECONDITION, "no consult leg to cancel", control.rpc().cancelConsult(
                    CancelConsultRequest.newBuilder().setCallId(callId).build()));

            // A consult whose target rings: a second one, a completion and REFER_REPLACES are refused, a cancel is not.
            Future<ConsultResponse> ringing = control.rpc().consult(ok);
            SipUdpClient.SipMessage consultInvite = agent.nextRequest(WAIT);
            agent.respond(consultInvite, 180, "Ringing");
            String leg = seen.step(callId, ConsultStep.CONSULT_STARTED).getConsultCallId();
            assertRefused(Status.Code.FAILED_PRECONDITION, "already consulting", control.rpc().consult(ok));
            assertRefused(Status.Code.FAILED_PRECONDITION, "no answered consult leg", control.rpc().completeConsult(
                    CompleteConsultRequest.newBuilder().setCallId(callId).build()));
            assertRefused(Status.Code.FAILED_PRECONDITION, "Supported: replaces", control.rpc().completeConsult(
                    CompleteConsultRequest.newBuilder().setCallId(callId).setMethod(ConsultCompletion.REFER_REPLACES).build()));
            assertEquals(leg, control.rpc().cancelConsult(CancelConsultRequest.newBuilder().setCallId(callId).build())
                    .get(5, TimeUnit.SECONDS).getConsultCallId());
            ConsultResponse cancelled = ringing.get(5, TimeUnit.SECONDS);
            assertEquals(487, cancelled.getSipStatus());
            assertEquals(leg, cancelled.getConsultCallId());
            assertTrue(agent.nextRequest(WAIT).startLine().startsWith("CANCEL "), "the ringing target gets CANCEL");
            seen.step(callId, ConsultStep.CONSULT_CANCELLED);

            control.rpc().hangup(HangupRequest.newBuilder().setCallId(callId).build()).get(5, TimeUnit.SECONDS);
            assertEquals(HangupCause.BOT_HANGUP, seen.event(ControlEvent.EventCase.HANGUP, callId).getHangup().getCause());
        }
    }

    @Test
    void aTargetThatRefusesReturnsTheCallerToTheBotWithItsStatus() throws Exception {
        ConsultSipRig.Seen seen = new ConsultSipRig.Seen(control);
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort()); SipUdpClient agent = new SipUdpClient(plane.sipPort())) {
            String callId = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@carrier.example")
                    .setFromUri("sip:b@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort()).build())
                    .get(5, TimeUnit.SECONDS).getCallId();
            trunk.respond(trunk.nextRequest(WAIT), 200, "OK", "t2", SipUdpClient.sdp(40_012, "0", "a=rtpmap:0 PCMU/8000\r\n"),
                    "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n");
            trunk.nextRequest(WAIT); // ACK
            seen.event(ControlEvent.EventCase.ANSWERED, callId);
            Future<ConsultResponse> consult = control.rpc().consult(ConsultRequest.newBuilder().setCallId(callId)
                    .setTargetUri("sip:agent@127.0.0.1:" + agent.localPort()).build());
            agent.respond(agent.nextRequest(WAIT), 486, "Busy Here");
            ConsultResponse busy = consult.get(10, TimeUnit.SECONDS);
            assertEquals(486, busy.getSipStatus(), busy.getReason());
            assertEquals(486, seen.step(callId, ConsultStep.CONSULT_FAILED).getSipStatus());
            // The call is free for another consult (or bridge): the slot was given back.
            assertRefused(Status.Code.FAILED_PRECONDITION, "no consult leg to cancel", control.rpc().cancelConsult(
                    CancelConsultRequest.newBuilder().setCallId(callId).build()));
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(callId).build()).get(5, TimeUnit.SECONDS);
            assertEquals(HangupCause.BOT_HANGUP, seen.event(ControlEvent.EventCase.HANGUP, callId).getHangup().getCause());
        }
    }
}
