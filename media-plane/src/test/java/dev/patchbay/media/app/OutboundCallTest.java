package dev.patchbay.media.app;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.PlaceCallResponse;
import dev.patchbay.proto.media.v1.SipHeader;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PlaceCall through a trunk played by a raw SIP socket: challenge, digest, answer, media, BYE. */
class OutboundCallTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static PlaceCallRequest.Builder request(SipUdpClient trunk) {
        return PlaceCallRequest.newBuilder().setToUri("sip:+15551234567@carrier.example").setFromUri("sip:+15557654321@patchbay.example")
                .setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort())
                .addHeaders(SipHeader.newBuilder().setName("X-Campaign").setValue("spring"));
    }

    @Test
    void aChallengedCallIsAuthenticatedAnsweredAndHungUpByTheFarEnd() throws Exception {
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int free = plane.calls().ports().available();
            var placed = control.rpc().placeCall(request(trunk).setAuthUsername("acme").setAuthPassword("s3cret").build());
            PlaceCallResponse call = placed.get(5, TimeUnit.SECONDS);

            SipMessage first = trunk.nextRequest(WAIT);
            assertTrue(first.startLine().startsWith("INVITE sip:+15551234567@carrier.example"), first.startLine());
            assertEquals("spring", first.header("X-Campaign"));
            assertTrue(first.body().contains("m=audio ") && first.body().contains("RTP/AVP 0 8 101"), first.body());
            trunk.respond(first, 407, "Proxy Authentication Required", "t1", "",
                    "Proxy-Authenticate: Digest realm=\"carrier\", nonce=\"n0nc3\", algorithm=SHA-256, qop=\"auth\"\r\n");

            SipMessage second = trunk.nextRequest(WAIT);
            while (second.startLine().startsWith("ACK ")) {
                second = trunk.nextRequest(WAIT); // the ACK of the 407
            }
            assertTrue(second.startLine().startsWith("INVITE "), second.startLine());
            assertTrue(second.header("CSeq").startsWith("2 "), second.header("CSeq"));
            Map<String, String> auth = params(second.header("Proxy-Authorization"));
            assertEquals("acme", auth.get("username"));
            assertEquals("SHA-256", auth.get("algorithm"));
            String ha1 = sha256("acme:carrier:s3cret");
            String ha2 = sha256("INVITE:" + auth.get("uri"));
            assertEquals(sha256(ha1 + ":n0nc3:" + auth.get("nc") + ":" + auth.get("cnonce") + ":auth:" + ha2), auth.get("response"),
                    "digest over SHA-256 with qop=auth");

            trunk.respond(second, 180, "Ringing", "t2", "", null);
            String answer = SipUdpClient.sdp(rtp.getLocalPort(), "8 101", "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n");
            trunk.respond(second, 200, "OK", "t2", answer, "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n");
            SipMessage ack = trunk.nextRequest(WAIT);
            assertTrue(ack.startLine().startsWith("ACK "), ack.startLine());

            ControlEvent answered = control.next(ControlEvent.EventCase.ANSWERED, call.getCallId(), WAIT);
            assertEquals("PCMA", answered.getAnswered().getCodec().getName(), "the trunk's choice from the offer");
            TestControl.Bot bot = control.attach(call.getCallId(), call.getAttachToken(), AudioFormat.L16_8K);
            assertEquals("PCMA", bot.next(CallerToBot.MessageCase.ATTACHED, WAIT).getAttached().getCallCodec().getName());

            trunk.sendRaw("BYE " + contactOf(first) + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + trunk.localPort() + ";branch=z9hG4bKtrunkbye\r\n"
                    + "From: " + second.header("To") + ";tag=t2\r\n"
                    + "To: " + second.header("From") + "\r\n"
                    + "Call-ID: " + second.header("Call-ID") + "\r\n"
                    + "CSeq: 1 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
            assertEquals(200, trunk.finalResponseTo("1 BYE", WAIT).status());
            assertEquals(HangupCause.CALLER_BYE, control.next(ControlEvent.EventCase.HANGUP, call.getCallId(), WAIT).getHangup().getCause());
            Await.until(() -> plane.calls().ports().available() == free, WAIT, "the RTP port to come back");
        }
    }

    @Test
    void aRefusedCallEndsWithTheTrunksStatusAndFreesItsPort() throws Exception {
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort())) {
            int free = plane.calls().ports().available();
            PlaceCallResponse call = control.rpc().placeCall(request(trunk).build()).get(5, TimeUnit.SECONDS);
            SipMessage invite = trunk.nextRequest(WAIT);
            trunk.respond(invite, 486, "Busy Here", "b1", "", null);
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, call.getCallId(), WAIT);
            assertEquals(HangupCause.REJECTED, hangup.getHangup().getCause());
            assertEquals(486, hangup.getHangup().getSipStatus());
            Await.until(() -> plane.calls().ports().available() == free, WAIT, "the RTP port to come back");
        }
    }

    @Test
    void aCallerChosenIdIsUsedAndCannotBeTakenTwice() throws Exception {
        String id = "CA" + "0123456789abcdef".repeat(2);
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort())) {
            String token = "t".repeat(40);
            PlaceCallResponse call = control.rpc().placeCall(request(trunk).setCallId(id).setAttachToken(token).build())
                    .get(5, TimeUnit.SECONDS);
            assertEquals(id, call.getCallId());
            assertEquals(token, call.getAttachToken(), "the control-plane stored this token before the INVITE left");
            SipMessage invite = trunk.nextRequest(WAIT);
            var again = control.rpc().placeCall(request(trunk).setCallId(id).build());
            Status dup = Status.fromThrowable(assertThrows(java.util.concurrent.ExecutionException.class, again::get));
            assertEquals(Status.Code.ALREADY_EXISTS, dup.getCode());
            trunk.respond(invite, 486, "Busy Here", "b2", "", null);
            control.next(ControlEvent.EventCase.HANGUP, id, WAIT);
        }
        var malformed = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@b").setFromUri("sip:a@b")
                .setTrunkHost("127.0.0.1").setCallId("CA-not-hex").build());
        Status s = Status.fromThrowable(assertThrows(java.util.concurrent.ExecutionException.class, malformed::get));
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertTrue(s.getDescription().contains("call_id"), s.getDescription());
    }

    @Test
    void badRequestsAreRefusedNamingTheField() {
        var bad = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("tel:+1555").setFromUri("sip:a@b").setTrunkHost("x").build());
        Status status = Status.fromThrowable(assertThrows(java.util.concurrent.ExecutionException.class, bad::get));
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertTrue(status.getDescription().contains("to_uri"), status.getDescription());
        var unresolvable = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@b").setFromUri("sip:a@b")
                .setTrunkHost("no-such-host.invalid").build());
        Status s2 = Status.fromThrowable(assertThrows(java.util.concurrent.ExecutionException.class, unresolvable::get));
        assertTrue(s2.getDescription().contains("trunk_host"), s2.getDescription());
    }

    private static String contactOf(SipMessage invite) {
        Matcher m = Pattern.compile("<([^>]+)>").matcher(invite.header("Contact"));
        assertTrue(m.find(), invite.header("Contact"));
        return m.group(1);
    }

    private static Map<String, String> params(String header) {
        assertNotNull(header, "Proxy-Authorization is sent");
        Map<String, String> out = new HashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\"([^\"]*)\"|[^,\\s]+)").matcher(header.replaceFirst("^Digest\\s+", ""));
        while (m.find()) {
            out.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
        }
        return out;
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
