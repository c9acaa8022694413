package dev.patchbay.media.app;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallHangup;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Late offer over real UDP SIP and RTP on loopback (RFC 3261 section 13.2.1, RFC 3264): an INVITE or
 * re-INVITE without SDP gets Patchbay's offer in the 200 OK, and the ACK's answer starts or changes
 * the media; an ACK without a usable answer ends the call with a BYE whose Reason says why.
 */
class LateOfferTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Pattern MEDIA = Pattern.compile("m=audio (\\d+) (RTP/S?AVP) ([0-9 ]+)\r\n");

    private static MediaConfig config;

    @BeforeAll
    static void setUp() throws Exception {
        config = fixture.settings();
    }

    /** A late-offer call answered with our offer, not yet acknowledged. */
    private record Offered(String callId, TestControl.Bot bot, SipMessage ok, String toTag, int mediaPort) {
    }

    private static Offered inviteWithoutSdp(SipUdpClient sip, String branch) throws Exception {
        sip.request("INVITE", "echo", 1, branch, null, null, null);
        ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
        assertEquals(0, offered.getOffered().getCodecsCount(), "a late offer names no codecs: " + offered);
        String callId = offered.getCallId();
        TestControl.Bot bot = control.attach(callId, offered.getOffered().getAttachToken(), AudioFormat.PCMU);
        // Its Attached comes only with the media; wait until the media-plane holds the attach, or a
        // call that ends at once could end before the attach arrives.
        MediaPlaneSipTest.awaitTrue(() -> plane.calls().byId(callId).map(c -> c.attachments() > 0).orElse(false), "the bot's attach");
        control.decide(RouteDecision.newBuilder().setCallId(callId).setAnswer(Answer.getDefaultInstance()));
        SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
        assertNotNull(ok, "a 200 OK to the INVITE without SDP");
        assertEquals(200, ok.status(), ok.raw());
        assertEquals("application/sdp", ok.header("Content-Type"));
        Matcher m = MEDIA.matcher(ok.body());
        assertTrue(m.find(), ok.body());
        assertEquals("RTP/AVP", m.group(2), "no SDES key over UDP: " + ok.body());
        assertEquals("0 8 101", m.group(3), "the offer lists every codec Patchbay speaks: " + ok.body());
        assertTrue(ok.body().contains("a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"),
                ok.body());
        assertTrue(ok.body().contains("a=sendrecv") && !ok.body().contains("a=crypto"), ok.body());
        return new Offered(callId, bot, ok, ok.header("To").replaceAll(".*;tag=", ""), Integer.parseInt(m.group(1)));
    }

    @Test
    void theAnswerInTheAckStartsTheMediaWithTheCodecItPicked() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Offered call = inviteWithoutSdp(sip, "lo1");
            sip.request("ACK", "echo", 1, "lo1ack", call.toTag(), null, SipUdpClient.sdp(rtp.getLocalPort(), "8 101",
                    "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:30\r\n"));

            ControlEvent answered = control.next(ControlEvent.EventCase.ANSWERED, call.callId(), WAIT);
            assertEquals("PCMA", answered.getAnswered().getCodec().getName());
            assertEquals(8, answered.getAnswered().getCodec().getPayloadType());
            assertEquals(30, answered.getAnswered().getPtimeMs(), "the answer's ptime is the caller's");
            assertEquals("PCMA", call.bot().next(CallerToBot.MessageCase.ATTACHED, WAIT).getAttached().getCallCodec().getName());

            RtpPacket out = nextRtp(rtp);
            assertEquals(8, out.payloadType(), "Patchbay sends the answer's codec to the answer's address");
            byte[] voice = new byte[160];
            java.util.Arrays.fill(voice, (byte) 0x55); // A-law for a small positive sample
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), call.mediaPort());
            for (int p = 0; p < 3; p++) {
                sendRtp(rtp, media, 8, p, voice);
            }
            CallerToBot heard = call.bot().next(CallerToBot.MessageCase.AUDIO, WAIT);
            assertEquals(160, heard.getAudio().getPayload().size(), "the bot gets the caller's 20 ms frames");

            sip.request("BYE", "echo", 2, "lo1bye", call.toTag(), null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
            CallHangup hangup = control.next(ControlEvent.EventCase.HANGUP, call.callId(), WAIT).getHangup();
            assertEquals(HangupCause.CALLER_BYE, hangup.getCause());
            assertTrue(hangup.getStats().getPacketsReceived() >= 3, hangup.toString());
        }
    }

    /** Each unusable answer ends the call with a BYE whose Reason carries the status naming the failure. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no body|488|none|no SDP answer",
        "not SDP at all|400|garbage|malformed SDP",
        "a codec we did not offer|488|18|picked no codec of the offer",
        "PCMU moved to a dynamic type|488|96|moved PCMU to payload type 96",
        "telephone-event moved|488|0 100|moved telephone-event to payload type 100",
        "the audio stream refused|488|port0|port 0",
        "SRTP answered to a plain offer|488|savp|SRTP needs"})
    void anAckWithoutAUsableAnswerEndsTheCallWithByeAndReason(String label, int status, String answer, String why)
            throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Offered call = inviteWithoutSdp(sip, "lobad" + status + answer.hashCode());
            String body = switch (answer) {
                case "none" -> null;
                case "garbage" -> "this is not SDP\r\n";
                case "18" -> SipUdpClient.sdp(rtp.getLocalPort(), "18", "a=rtpmap:18 G729/8000\r\n");
                case "96" -> SipUdpClient.sdp(rtp.getLocalPort(), "96", "a=rtpmap:96 PCMU/8000\r\n");
                case "0 100" -> SipUdpClient.sdp(rtp.getLocalPort(), "0 100", "a=rtpmap:100 telephone-event/8000\r\n");
                case "port0" -> SipUdpClient.sdp(0, "0", "");
                case "savp" -> SipUdpClient.sdp(rtp.getLocalPort(), "0", "").replace("RTP/AVP", "RTP/SAVP")
                        + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + "A".repeat(40) + "\r\n";
                default -> throw new IllegalArgumentException(answer);
            };
            sip.request("ACK", "echo", 1, "lobadack" + answer.hashCode(), call.toTag(), null, body);

            SipMessage bye = sip.nextRequest(WAIT);
            assertNotNull(bye, "Patchbay hangs up an ACK without a usable answer");
            assertTrue(bye.startLine().startsWith("BYE "), bye.raw());
            String reason = bye.header("Reason");
            assertNotNull(reason, "the BYE says why: " + bye.raw());
            assertTrue(reason.startsWith("SIP;cause=" + status + ";text=\""), reason);
            assertTrue(reason.contains(why), reason);
            sip.respond(bye, 200, "OK");

            CallHangup hangup = control.next(ControlEvent.EventCase.HANGUP, call.callId(), WAIT).getHangup();
            assertEquals(HangupCause.NOT_ACCEPTABLE, hangup.getCause(), "the control-plane sees why the call ended");
            assertEquals(status, hangup.getSipStatus());
            assertTrue(hangup.getReason().contains(why), hangup.getReason());
            assertEquals(HangupCause.NOT_ACCEPTABLE, call.bot().next(CallerToBot.MessageCase.ENDED, WAIT).getEnded().getCause(),
                    "a bot that attached before the answer is told too");
            MediaPlaneSipTest.awaitTrue(() -> plane.calls().ports().available() == plane.calls().ports().capacity(),
                    "the RTP port reserved for the offer to be given back");
        }
    }

    @Test
    void aReInviteWithoutSdpGetsAFullOfferAndTheAnswerInTheAckMovesTheMedia() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket moved = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // An ordinary call first: the caller offers PCMU only.
            sip.request("INVITE", "echo", 1, "rlo1", null, null, SipUdpClient.sdp(rtp.getLocalPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
            assertEquals(200, ok.status());
            String toTag = ok.header("To").replaceAll(".*;tag=", "");
            sip.request("ACK", "echo", 1, "rlo1ack", toTag, null, null);
            assertEquals(0, nextRtp(rtp).payloadType(), "PCMU flows to the first address");
            long version = originVersion(ok.body());
            Matcher first = MEDIA.matcher(ok.body());
            assertTrue(first.find());

            // A third-party call controller asks for an offer to hand to a new party (RFC 3725).
            sip.request("INVITE", "echo", 2, "rlo2", toTag, null, null);
            SipMessage reoffer = sip.finalResponseTo("2 INVITE", WAIT);
            assertEquals(200, reoffer.status(), reoffer.raw());
            Matcher m = MEDIA.matcher(reoffer.body());
            assertTrue(m.find(), reoffer.body());
            assertEquals("0 8 101", m.group(3), "every codec again, not only the one in use: " + reoffer.body());
            assertEquals(first.group(1), m.group(1), "the same RTP port");
            assertEquals(version + 1, originVersion(reoffer.body()), "the same session, one version on");
            sip.request("ACK", "echo", 2, "rlo2ack", toTag, null, SipUdpClient.sdp(moved.getLocalPort(), "8",
                    "a=rtpmap:8 PCMA/8000\r\n"));
            RtpPacket after = nextRtp(moved);
            assertEquals(8, after.payloadType(), "the answer moved the media to its address and to PCMA");
            assertTrue(plane.calls().byId(offered.getCallId()).isPresent());

            // Another one, acknowledged without an answer: the call cannot go on.
            sip.request("INVITE", "echo", 3, "rlo3", toTag, null, null);
            assertEquals(200, sip.finalResponseTo("3 INVITE", WAIT).status());
            sip.request("ACK", "echo", 3, "rlo3ack", toTag, null, null);
            SipMessage bye = sip.nextRequest(WAIT);
            assertNotNull(bye);
            assertTrue(bye.startLine().startsWith("BYE ") && bye.header("Reason").startsWith("SIP;cause=488;"), bye.raw());
            sip.respond(bye, 200, "OK");
            assertEquals(HangupCause.NOT_ACCEPTABLE,
                    control.next(ControlEvent.EventCase.HANGUP, offered.getCallId(), WAIT).getHangup().getCause());
        }
    }

    /**
     * While our offer waits for the ACK's answer, a new offer is refused with 491 and Retry-After (RFC 3264
     * section 4). Not covered: jain-sip then drops the ACK of the first INVITE, since the dialog's last response
     * is no longer its 2xx, so such a call ends on the ACK timeout; the caller broke RFC 3261 section 14.1 first.
     */
    @Test
    void aReInviteBeforeTheAnswerGets491() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Offered call = inviteWithoutSdp(sip, "lopend");
            sip.request("INVITE", "echo", 2, "lopend2", call.toTag(), null, SipUdpClient.sdp(rtp.getLocalPort(), "0", ""));
            SipMessage pending = sip.finalResponseTo("2 INVITE", WAIT);
            assertNotNull(pending);
            assertEquals(491, pending.status(), pending.raw());
            assertNotNull(pending.header("Retry-After"), pending.raw());
            assertTrue(plane.calls().byId(call.callId()).isPresent(), "the call is not ended by the refused offer");
            sip.request("BYE", "echo", 3, "lopendbye", call.toTag(), null, null);
            assertEquals(200, sip.finalResponseTo("3 BYE", WAIT).status());
            assertEquals(HangupCause.CALLER_BYE, control.next(ControlEvent.EventCase.HANGUP, call.callId(), WAIT).getHangup().getCause());
            MediaPlaneSipTest.awaitTrue(() -> plane.calls().ports().available() == plane.calls().ports().capacity(),
                    "the reserved RTP port to be given back");
        }
    }

    /** No ACK at all: the call ends on the ACK timeout (5 s in MediaPlaneFixture) and the port held for the offer comes back. */
    @Test
    void withoutAnAckTheCallEndsOnTheAckTimeoutAndItsPortIsFreed() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            Offered call = inviteWithoutSdp(sip, "lonoack");
            assertTrue(plane.calls().ports().available() < plane.calls().ports().capacity(), "a port is held for the offer");
            CallHangup hangup = control.next(ControlEvent.EventCase.HANGUP, call.callId(), Duration.ofSeconds(10)).getHangup();
            assertEquals(HangupCause.NO_ACK, hangup.getCause());
            MediaPlaneSipTest.awaitTrue(() -> plane.calls().ports().available() == plane.calls().ports().capacity(),
                    "the RTP port reserved for the offer to be given back");
        }
    }

    @Test
    void anUpdateWithoutSdpStaysABareRefreshAndAPlainAckIsNoAnswer() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            sip.request("INVITE", "echo", 1, "upd1", null, null, SipUdpClient.sdp(rtp.getLocalPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
            String toTag = ok.header("To").replaceAll(".*;tag=", "");
            sip.request("ACK", "echo", 1, "upd1ack", toTag, null, null);
            sip.request("UPDATE", "echo", 2, "upd2", toTag, null, null);
            SipMessage refreshed = sip.finalResponseTo("2 UPDATE", WAIT);
            assertEquals(200, refreshed.status());
            assertEquals("", refreshed.body(), "no offer in a bare refresh, so no answer is awaited");
            assertEquals(0, nextRtp(rtp).payloadType());
            assertFalse(plane.calls().byId(offered.getCallId()).isEmpty(), "the call goes on");
            sip.request("BYE", "echo", 3, "upd3", toTag, null, null);
            assertEquals(200, sip.finalResponseTo("3 BYE", WAIT).status());
        }
    }

    private static long originVersion(String sdp) {
        Matcher m = Pattern.compile("o=patchbay (\\d+) (\\d+) ").matcher(sdp);
        assertTrue(m.find(), sdp);
        return Long.parseLong(m.group(2));
    }

    private static void sendRtp(DatagramSocket rtp, InetSocketAddress to, int payloadType, int p, byte[] payload) throws Exception {
        byte[] packet = new byte[12 + payload.length];
        packet[0] = (byte) 0x80;
        packet[1] = (byte) payloadType;
        packet[3] = (byte) p;
        packet[6] = (byte) ((p * 160) >> 8);
        packet[7] = (byte) (p * 160);
        packet[11] = 0x21;
        System.arraycopy(payload, 0, packet, 12, payload.length);
        rtp.send(new DatagramPacket(packet, packet.length, to));
    }

    private static RtpPacket nextRtp(DatagramSocket rtp) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        rtp.setSoTimeout((int) WAIT.toMillis());
        rtp.receive(p);
        RtpPacket packet = new RtpPacket();
        assertEquals(RtpPacket.ParseResult.OK, packet.parse(buf, 0, p.getLength()));
        return packet;
    }
}
