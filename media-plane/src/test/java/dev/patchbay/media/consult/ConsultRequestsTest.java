package dev.patchbay.media.consult;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.media.testutil.TonePeer;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallerToBot;
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
import dev.patchbay.proto.media.v1.PlaceCallResponse;
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

    /**
     * Contract v1.12: the consult leg is cut at {@code max_duration_seconds} after its answer (an agent's prepaid
     * leg), and the caller goes back to the bot; the leg's INVITE carries the {@code from_uri} asked for.
     */
    @Test
    void aConsultLegEndsAtItsMaxDurationWithTheFromItWasGiven() throws Exception {
        ConsultSipRig.Seen seen = new ConsultSipRig.Seen(control);
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort()); SipUdpClient agent = new SipUdpClient(plane.sipPort())) {
            String callId = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@carrier.example")
                    .setFromUri("sip:b@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort()).build())
                    .get(5, TimeUnit.SECONDS).getCallId();
            trunk.respond(trunk.nextRequest(WAIT), 200, "OK", "t4", SipUdpClient.sdp(40_014, "0", "a=rtpmap:0 PCMU/8000\r\n"),
                    "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n");
            trunk.nextRequest(WAIT); // ACK
            seen.event(ControlEvent.EventCase.ANSWERED, callId);
            Future<ConsultResponse> consult = control.rpc().consult(ConsultRequest.newBuilder().setCallId(callId)
                    .setTargetUri("sip:agent@127.0.0.1:" + agent.localPort()).setFromUri("sip:+14155550100@patchbay.invalid")
                    .setMaxDurationSeconds(1).build());
            SipUdpClient.SipMessage invite = agent.nextRequest(WAIT);
            assertTrue(invite.header("From").contains("<sip:+14155550100@patchbay.invalid>"), invite.header("From"));
            agent.respond(invite, 200, "OK", "a4", SipUdpClient.sdp(40_016, "0", "a=rtpmap:0 PCMU/8000\r\n"),
                    "Contact: <sip:agent@127.0.0.1:" + agent.localPort() + ">\r\n");
            assertTrue(agent.nextRequest(WAIT).startLine().startsWith("ACK "));
            String leg = consult.get(10, TimeUnit.SECONDS).getConsultCallId();
            SipUdpClient.SipMessage bye = agent.nextRequest(WAIT);
            assertTrue(bye.startLine().startsWith("BYE "), "the target gets BYE at the leg's limit: " + bye.startLine());
            agent.respond(bye, 200, "OK");
            assertEquals(HangupCause.MAX_DURATION, seen.event(ControlEvent.EventCase.HANGUP, leg).getHangup().getCause());
            seen.step(callId, ConsultStep.CONSULT_TARGET_LEFT);
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(callId).build()).get(5, TimeUnit.SECONDS);
            assertEquals(HangupCause.BOT_HANGUP, seen.event(ControlEvent.EventCase.HANGUP, callId).getHangup().getCause());
        }
    }

    @Test
    void theTargetHangingUpReturnsTheCallerToTheBotAndTheCallerHangingUpEndsTheConsultLeg() throws Exception {
        ConsultSipRig.Seen seen = new ConsultSipRig.Seen(control);
        try (TonePeer callerRtp = new TonePeer(); SipUdpClient trunk = new SipUdpClient(plane.sipPort());
             SipUdpClient agent = new SipUdpClient(plane.sipPort()); SipUdpClient agent2 = new SipUdpClient(plane.sipPort())) {
            PlaceCallResponse placed = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@carrier.example")
                    .setFromUri("sip:b@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort()).build())
                    .get(5, TimeUnit.SECONDS);
            String callId = placed.getCallId();
            SipUdpClient.SipMessage invite = trunk.nextRequest(WAIT);
            trunk.respond(invite, 200, "OK", "t3", SipUdpClient.sdp(callerRtp.port(), "0", "a=rtpmap:0 PCMU/8000\r\n"),
                    "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n");
            trunk.nextRequest(WAIT); // ACK
            seen.event(ControlEvent.EventCase.ANSWERED, callId);
            TestControl.Bot bot = control.attach(callId, placed.getAttachToken(), AudioFormat.L16_8K);
            bot.next(CallerToBot.MessageCase.ATTACHED, WAIT);

            Leg first = answeredConsult(seen, callId, agent, 40_030);
            String leg = first.id();
            agent.inDialog(first.invite(), "a1", "BYE", 2, "agentbye", null);
            assertEquals(200, agent.finalResponseTo("2 BYE", WAIT).status());
            seen.step(callId, ConsultStep.CONSULT_TARGET_LEFT);
            assertEquals(HangupCause.CALLER_BYE, seen.event(ControlEvent.EventCase.HANGUP, leg).getHangup().getCause());
            ConsultSipRig.botTone(bot, 800, 100);
            Await.until(() -> callerRtp.recentPower(800, 10) > 0.005, WAIT, "the bot heard by the caller again");

            String leg2 = answeredConsult(seen, callId, agent2, 40_032).id();
            trunk.inDialog(invite, "t3", "BYE", 2, "callerbye", null);
            assertEquals(200, trunk.finalResponseTo("2 BYE", WAIT).status());
            assertEquals(HangupCause.CALLER_BYE, seen.event(ControlEvent.EventCase.HANGUP, callId).getHangup().getCause());
            seen.step(callId, ConsultStep.CONSULT_CALLER_LEFT);
            assertEquals(HangupCause.BRIDGE_ENDED, seen.event(ControlEvent.EventCase.HANGUP, leg2).getHangup().getCause());
            assertTrue(agent2.nextRequest(WAIT).startLine().startsWith("BYE "), "the target gets BYE when the caller leaves");
        }
    }

    private record Leg(String id, SipUdpClient.SipMessage invite) {
    }

    /** A Consult from {@code callId} answered by {@code agent} (SDP on {@code rtpPort}): the leg's id and INVITE. */
    private static Leg answeredConsult(ConsultSipRig.Seen seen, String callId, SipUdpClient agent, int rtpPort) throws Exception {
        Future<ConsultResponse> consult = control.rpc().consult(ConsultRequest.newBuilder().setCallId(callId)
                .setTargetUri("sip:agent@127.0.0.1:" + agent.localPort()).build());
        SipUdpClient.SipMessage invite = agent.nextRequest(WAIT);
        agent.respond(invite, 200, "OK", "a1", SipUdpClient.sdp(rtpPort, "0", "a=rtpmap:0 PCMU/8000\r\n"),
                "Contact: <sip:agent@127.0.0.1:" + agent.localPort() + ">\r\n");
        assertTrue(agent.nextRequest(WAIT).startLine().startsWith("ACK "));
        ConsultResponse answered = consult.get(10, TimeUnit.SECONDS);
        assertEquals(200, answered.getSipStatus(), answered.getReason());
        seen.step(callId, ConsultStep.CONSULT_ANSWERED);
        return new Leg(answered.getConsultCallId(), invite);
    }
}
