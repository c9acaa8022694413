package dev.patchbay.media.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.common.util.concurrent.ListenableFuture;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.HoldRequest;
import dev.patchbay.proto.media.v1.HoldResponse;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.PlaceCallResponse;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hold and resume by re-INVITE against a real SIPp trunk (src/test/resources/sipp/uas-hold.xml). */
class HoldTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aPlacedCallIsHeldAndResumedWithSendonlyThenSendrecvAndOneReinviteAtATime() throws Exception {
        int sippPort = Ports.freeUdpAndTcp();
        Path dir = Sipp.workDir();
        Path messages = dir.resolve("messages.log");
        Process sipp = Sipp.start(dir, List.of("-sf", PlaceCallOptionsTest.scenario("uas-hold.xml").toString(), "-m", "1",
                "-i", "127.0.0.1", "-p", Integer.toString(sippPort), "-mp", Integer.toString(Ports.rtpBase(2)),
                "-trace_msg", "-message_file", messages.toString()));
        PlaceCallResponse call = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:+15551234567@carrier.example")
                .setFromUri("sip:+15557654321@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(sippPort).build())
                .get(5, TimeUnit.SECONDS);
        control.next(ControlEvent.EventCase.ANSWERED, call.getCallId(), WAIT);

        ListenableFuture<HoldResponse> hold = control.rpc().hold(HoldRequest.newBuilder().setCallId(call.getCallId()).setHold(true).build());
        // SIPp holds its answer to the hold for 800 ms: a second re-INVITE meanwhile is refused here, not sent.
        Await.until(() -> count(messages, "a=sendonly") == 1, WAIT, "the hold re-INVITE to reach SIPp");
        var second = control.rpc().hold(HoldRequest.newBuilder().setCallId(call.getCallId()).setHold(false).build());
        Status pending = Status.fromThrowable(assertThrows(ExecutionException.class, second::get));
        assertEquals(Status.Code.FAILED_PRECONDITION, pending.getCode());
        assertTrue(pending.getDescription().contains("491"), pending.getDescription());
        assertEquals(200, hold.get(5, TimeUnit.SECONDS).getSipStatus());

        HoldResponse resume = control.rpc().hold(HoldRequest.newBuilder().setCallId(call.getCallId()).setHold(false).build())
                .get(5, TimeUnit.SECONDS);
        assertEquals(200, resume.getSipStatus());
        control.rpc().hangup(HangupRequest.newBuilder().setCallId(call.getCallId()).build()).get(5, TimeUnit.SECONDS);
        assertEquals(HangupCause.BOT_HANGUP, control.next(ControlEvent.EventCase.HANGUP, call.getCallId(), WAIT).getHangup().getCause());

        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "SIPp saw sendonly, then sendrecv, then BYE:\n" + r.output());
        // Patchbay's three offers as SIPp logged them: one session, the o= version one up each time, same codecs.
        List<String[]> origins = new ArrayList<>();
        Matcher m = Pattern.compile("o=patchbay (\\d+) (\\d+) .*?m=audio \\d+ (RTP/AVP[ 0-9]+).*?a=(sendrecv|sendonly)", Pattern.DOTALL)
                .matcher(Files.readString(messages));
        while (m.find()) {
            // UDP retransmissions (the hold waits 800 ms for its answer, past timer A) repeat an offer.
            if (origins.isEmpty() || !origins.getLast()[1].equals(m.group(2))) {
                origins.add(new String[] {m.group(1), m.group(2), m.group(3).strip(), m.group(4)});
            }
        }
        assertEquals(3, origins.size(), "the INVITE and two re-INVITEs");
        long version = Long.parseLong(origins.get(0)[1]);
        for (int i = 0; i < 3; i++) {
            assertEquals(origins.get(0)[0], origins.get(i)[0], "session id");
            assertEquals(version + i, Long.parseLong(origins.get(i)[1]), "o= version of offer " + i);
        }
        assertEquals("RTP/AVP 0 8 101", origins.get(0)[2]);
        assertEquals("RTP/AVP 8 101", origins.get(1)[2], "the hold offers the call's codec at its payload type");
        assertEquals(List.of("sendrecv", "sendonly", "sendrecv"), origins.stream().map(o -> o[3]).toList());
    }

    private static long count(Path file, String text) {
        try {
            return Files.exists(file) ? Pattern.compile(Pattern.quote(text)).matcher(Files.readString(file)).results().count() : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    @Test
    void holdNeedsAKnownAnsweredCall() throws Exception {
        var unknown = control.rpc().hold(HoldRequest.newBuilder().setCallId("CA" + "0".repeat(32)).setHold(true).build());
        assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(assertThrows(ExecutionException.class, unknown::get)).getCode());
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort())) {
            PlaceCallResponse call = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@carrier.example")
                    .setFromUri("sip:b@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort()).build())
                    .get(5, TimeUnit.SECONDS);
            trunk.nextRequest(WAIT); // ringing, never answered
            var early = control.rpc().hold(HoldRequest.newBuilder().setCallId(call.getCallId()).setHold(true).build());
            Status s = Status.fromThrowable(assertThrows(ExecutionException.class, early::get));
            assertEquals(Status.Code.FAILED_PRECONDITION, s.getCode());
            assertTrue(s.getDescription().contains("not answered"), s.getDescription());
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(call.getCallId()).build()).get(5, TimeUnit.SECONDS);
            control.next(ControlEvent.EventCase.HANGUP, call.getCallId(), WAIT);
        }
    }

    @Test
    void anOfferFromTheFarEndWhileOurHoldIsPendingGets491AndTheHoldStillCompletes() throws Exception {
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort())) {
            PlaceCallResponse call = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@carrier.example")
                    .setFromUri("sip:b@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort()).build())
                    .get(5, TimeUnit.SECONDS);
            SipUdpClient.SipMessage invite = trunk.nextRequest(WAIT);
            String contact = "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n";
            trunk.respond(invite, 200, "OK", "g1", SipUdpClient.sdp(40_000, "0", "a=rtpmap:0 PCMU/8000\r\n"), contact);
            assertTrue(trunk.nextRequest(WAIT).startLine().startsWith("ACK "));
            control.next(ControlEvent.EventCase.ANSWERED, call.getCallId(), WAIT);

            var hold = control.rpc().hold(HoldRequest.newBuilder().setCallId(call.getCallId()).setHold(true).build());
            SipUdpClient.SipMessage reinvite = trunk.nextRequest(WAIT);
            assertTrue(reinvite.startLine().startsWith("INVITE ") && reinvite.body().contains("a=sendonly"), reinvite.raw());
            trunk.inDialog(invite, "g1", "INVITE", 7, "glare", SipUdpClient.sdp(40_000, "0", "a=rtpmap:0 PCMU/8000\r\na=sendonly\r\n"));
            // jain-sip's dialog answers this itself (it knows our INVITE is pending); the test pins that down.
            assertEquals(491, trunk.finalResponseTo("7 INVITE", WAIT).status(), "glare: RFC 3261 section 14.2");

            trunk.respond(reinvite, 200, "OK", null, SipUdpClient.sdp(40_000, "0", "a=rtpmap:0 PCMU/8000\r\na=recvonly\r\n"), contact);
            assertEquals(200, hold.get(5, TimeUnit.SECONDS).getSipStatus());
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(call.getCallId()).build()).get(5, TimeUnit.SECONDS);
            control.next(ControlEvent.EventCase.HANGUP, call.getCallId(), WAIT);
        }
    }

    @Test
    void whileTheFarEndHoldsUsOurHoldIsInactiveAndOurResumeRecvonly() throws Exception {
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort())) {
            PlaceCallResponse call = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@carrier.example")
                    .setFromUri("sip:b@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort()).build())
                    .get(5, TimeUnit.SECONDS);
            SipUdpClient.SipMessage invite = trunk.nextRequest(WAIT);
            String contact = "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n";
            trunk.respond(invite, 200, "OK", "h1", SipUdpClient.sdp(40_002, "0", "a=rtpmap:0 PCMU/8000\r\n"), contact);
            assertTrue(trunk.nextRequest(WAIT).startLine().startsWith("ACK "));
            control.next(ControlEvent.EventCase.ANSWERED, call.getCallId(), WAIT);

            trunk.inDialog(invite, "h1", "INVITE", 3, "theyhold", SipUdpClient.sdp(40_002, "0", "a=rtpmap:0 PCMU/8000\r\na=sendonly\r\n"));
            SipUdpClient.SipMessage answer = trunk.finalResponseTo("3 INVITE", WAIT);
            assertTrue(answer.status() == 200 && answer.body().contains("a=recvonly"), answer.raw());
            trunk.inDialog(invite, "h1", "ACK", 3, "theyholdack", null);

            var hold = control.rpc().hold(HoldRequest.newBuilder().setCallId(call.getCallId()).setHold(true).build());
            SipUdpClient.SipMessage ours = trunk.nextRequest(WAIT);
            assertTrue(ours.startLine().startsWith("INVITE ") && ours.body().contains("a=inactive"), ours.raw());
            trunk.respond(ours, 200, "OK", null, SipUdpClient.sdp(40_002, "0", "a=rtpmap:0 PCMU/8000\r\na=inactive\r\n"), contact);
            assertEquals(200, hold.get(5, TimeUnit.SECONDS).getSipStatus());

            var resume = control.rpc().hold(HoldRequest.newBuilder().setCallId(call.getCallId()).setHold(false).build());
            SipUdpClient.SipMessage back;
            do {
                back = trunk.nextRequest(WAIT); // past the ACK of the hold
            } while (back.startLine().startsWith("ACK "));
            assertTrue(back.startLine().startsWith("INVITE ") && back.body().contains("a=recvonly"), "still held by them: " + back.raw());
            trunk.respond(back, 200, "OK", null, SipUdpClient.sdp(40_002, "0", "a=rtpmap:0 PCMU/8000\r\na=sendonly\r\n"), contact);
            assertEquals(200, resume.get(5, TimeUnit.SECONDS).getSipStatus());
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(call.getCallId()).build()).get(5, TimeUnit.SECONDS);
            control.next(ControlEvent.EventCase.HANGUP, call.getCallId(), WAIT);
        }
    }

    /** A request from the trunk inside the dialog Patchbay's {@code invite} began; a body is SDP. */
}
