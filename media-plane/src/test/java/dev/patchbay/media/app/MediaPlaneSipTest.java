package dev.patchbay.media.app;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.dtmf.Rfc4733Receiver;
import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.media.testutil.VoicedRtp;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.DtmfEvent;
import dev.patchbay.proto.media.v1.DtmfMethod;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.Mark;
import dev.patchbay.proto.media.v1.Reject;
import dev.patchbay.proto.media.v1.Ring;
import dev.patchbay.proto.media.v1.RouteDecision;
import dev.patchbay.proto.media.v1.SendDtmfRequest;
import dev.patchbay.proto.media.v1.SendInfoRequest;
import dev.patchbay.proto.media.v1.TransferRequest;
import dev.patchbay.proto.media.v1.Transport;
import dev.patchbay.startup.StartupException;
import io.grpc.Status;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The media-plane over real UDP SIP, RTP and gRPC on loopback, with the test as control-plane and bot. */
class MediaPlaneSipTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String PCMU_OFFER_ATTRS = "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

    private static MediaConfig config;

    @BeforeAll
    static void setUp() throws Exception {
        config = fixture.settings();
    }

    /** Waits for earlier tests' calls to finish releasing, then returns the free port count (all of them). */
    private static int settledPorts() throws InterruptedException {
        awaitTrue(() -> plane.calls().activeCalls() == 0
                && plane.calls().ports().available() == plane.calls().ports().capacity(), "earlier calls to be released");
        return plane.calls().ports().capacity();
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, WAIT, what);
    }

    @Test
    void optionsGets200WithAllow() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.request("OPTIONS", "probe", 1, "opt1", null, null, null);
            SipMessage r = sip.finalResponseTo("1 OPTIONS", WAIT);
            assertEquals(200, r.status());
            assertTrue(r.header("Allow").contains("INVITE"));
        }
    }

    @Test
    void offerCarriesEverythingAndRejectionIsPrecise() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.request("INVITE", "nobody", 1, "rej1", null, "X-Workspace-ID: ws_42\r\n",
                    SipUdpClient.sdp(4000, "0 101", PCMU_OFFER_ATTRS));
            ControlEvent e = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            CallOffered o = e.getOffered();
            assertEquals("nobody", o.getRequestUser());
            assertEquals("Test Caller", o.getFromDisplay());
            assertEquals(sip.callId, o.getSipCallId());
            assertEquals(Transport.UDP, o.getTransport());
            assertEquals(sip.localPort(), o.getSource().getPort());
            assertTrue(o.getHeadersList().stream().anyMatch(h -> h.getName().equals("X-Workspace-ID") && h.getValue().equals("ws_42")));
            assertEquals(List.of("PCMU", "telephone-event"), o.getCodecsList().stream().map(c -> c.getName()).toList());
            assertTrue(o.getAttachToken().length() >= 40);

            control.decide(RouteDecision.newBuilder().setCallId(e.getCallId())
                    .setReject(Reject.newBuilder().setSipStatus(404).setReason("no DID matches 'nobody'")));
            SipMessage r = sip.finalResponseTo("1 INVITE", WAIT);
            assertEquals(404, r.status());
            assertTrue(r.header("Reason").contains("no DID matches 'nobody'"), r.header("Reason"));
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, e.getCallId(), WAIT);
            assertEquals(HangupCause.REJECTED, hangup.getHangup().getCause());
            assertEquals(404, hangup.getHangup().getSipStatus());
        }
    }

    @Test
    void noCommonCodecGets488WithWarning() throws Exception {
        control.events.clear();
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.request("INVITE", "echo", 1, "g729", null, null, SipUdpClient.sdp(4000, "18", "a=rtpmap:18 G729/8000\r\n"));
            SipMessage r = sip.finalResponseTo("1 INVITE", WAIT);
            assertEquals(488, r.status());
            assertTrue(r.header("Warning").startsWith("305"), r.header("Warning"));
            assertTrue(control.events.stream().noneMatch(ev -> ev.getEventCase() == ControlEvent.EventCase.OFFERED),
                    "a call we cannot take is never offered");
        }
    }

    @Test
    void srtpKeysOverPlainUdpAreRefused() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.request("INVITE", "echo", 1, "savpudp", null, null, "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/SAVP 0\r\n"
                    + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:YUJDZGVmZ2hpSktMbW5vcFFyc3R1dnd4eXoxMjM0\r\n");
            SipMessage r = sip.finalResponseTo("1 INVITE", WAIT);
            assertEquals(488, r.status());
            assertTrue(r.header("Reason").contains("only over SIP/TLS"), r.header("Reason"));
        }
    }

    @Test
    void malformedSdpGets400() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.request("INVITE", "echo", 1, "badsdp", null, null, "v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio notaport RTP/AVP 0\r\n");
            SipMessage r = sip.finalResponseTo("1 INVITE", WAIT);
            assertEquals(400, r.status());
            assertTrue(r.header("Reason").contains("malformed SDP"), r.header("Reason"));
        }
    }

    @Test
    void garbageIsAnswered400OrDroppedAndTheServerCarriesOn() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.sendRaw("\u0000\u0001 not SIP at all \r\n\r\n");
            sip.sendRaw("INVITE sip:echo@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + sip.localPort()
                    + ";branch=z9hG4bKtrunc\r\nCSeq: banana INVITE\r\nContent-Length: 0\r\n\r\n");
            SipMessage r = sip.receive(Duration.ofMillis(500));
            if (r != null) {
                assertEquals(400, r.status(), "a garbled request may only be answered with 400");
            }
            sip.request("OPTIONS", "probe", 1, "after-garbage", null, null, null);
            assertEquals(200, sip.finalResponseTo("1 OPTIONS", WAIT).status());
        }
    }

    @Test
    void cancelWhileRingingGets487AndReleasesEverything() throws Exception {
        int free = settledPorts();
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            String invite = SipUdpClient.sdp(4000, "0", PCMU_OFFER_ATTRS);
            sip.request("INVITE", "slow", 1, "cxl1", null, null, invite);
            ControlEvent e = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(e.getCallId()).setRing(Ring.getDefaultInstance()));
            SipMessage ringing = sip.receive(WAIT);
            while (ringing != null && ringing.status() == 100) {
                ringing = sip.receive(WAIT);
            }
            assertNotNull(ringing);
            assertEquals(180, ringing.status());

            sip.request("CANCEL", "slow", 1, "cxl1", null, null, null);
            List<Integer> statuses = new ArrayList<>();
            statuses.add(sip.finalResponse(WAIT).status());
            statuses.add(sip.finalResponse(WAIT).status());
            assertTrue(statuses.containsAll(List.of(200, 487)), statuses.toString());
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, e.getCallId(), WAIT);
            assertEquals(HangupCause.CALLER_CANCEL, hangup.getHangup().getCause());
        }
        awaitTrue(() -> plane.calls().ports().available() == free, "the RTP port to be released");
        assertEquals(0, plane.calls().activeCalls());
    }

    @Test
    void answeredCallCarriesAudioBothWaysWithMarksAndByeEndsIt() throws Exception {
        int free = settledPorts();
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Answered call = answer(sip, rtp, "call1");
            TestControl.Bot bot = call.bot();
            int mediaPort = call.mediaPort();
            String toTag = call.toTag();

            // caller -> bot: 10 packets of 160 PCMU codes (0x7F is left out: it decodes to the same 0 as 0xFF)
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), mediaPort);
            for (int p = 0; p < 10; p++) {
                sendPcmu(rtp, media, p);
            }
            for (int p = 0; p < 10; p++) {
                AudioFrame f = bot.next(CallerToBot.MessageCase.AUDIO, WAIT).getAudio();
                assertEquals(p, f.getSequence());
                assertEquals(p * 160L, f.getTimestamp());
                byte[] expected = new byte[160];
                for (int i = 0; i < 160; i++) {
                    expected[i] = code(p, i);
                }
                assertArrayEquals(expected, f.getPayload().toByteArray(), "frame " + p);
            }

            // bot -> caller: 2 frames of a tone, then a mark once they have played
            byte[] tone = new byte[320];
            for (int i = 0; i < tone.length; i++) {
                tone[i] = G711.linearToUlaw((short) (8000 * Math.sin(i * 2 * Math.PI / 8)));
            }
            bot.send.onNext(BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder()
                    .setPayload(com.google.protobuf.ByteString.copyFrom(tone))).build());
            bot.send.onNext(BotToCaller.newBuilder().setMark(Mark.newBuilder().setName("after-tone")).build());
            byte[] heard = receiveVoiced(rtp, 2);
            assertArrayEquals(tone, heard);
            assertEquals("after-tone", bot.next(CallerToBot.MessageCase.MARK_PLAYED, WAIT).getMarkPlayed().getName());

            sip.request("BYE", "echo", 2, "bye1", toTag, null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
            assertEquals(HangupCause.CALLER_BYE, bot.next(CallerToBot.MessageCase.ENDED, WAIT).getEnded().getCause());
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, call.callId(), WAIT);
            assertEquals(HangupCause.CALLER_BYE, hangup.getHangup().getCause());
            assertEquals(10, hangup.getHangup().getStats().getPacketsReceived());
            assertTrue(hangup.getHangup().getStats().getPacketsSent() >= 2);
        }
        awaitTrue(() -> plane.calls().ports().available() == free, "the RTP port to be released");
    }

    @Test
    void wrongAttachTokenIsRefused() throws Exception {
        TestControl.Bot bot = control.attach("CAdoesnotexist", "guess", AudioFormat.PCMU);
        awaitTrue(() -> bot.error != null, "the attach to be refused");
        assertEquals(Status.Code.UNAUTHENTICATED, Status.fromThrowable(bot.error).getCode());
    }

    @Test
    void withoutControlPlaneInvitesGet503WithRetryAfter() throws Exception {
        MediaConfig lonely = MediaPlaneFixture.config();
        try (MediaPlane alone = MediaPlane.start(lonely); SipUdpClient sip = new SipUdpClient(lonely.sipPort())) {
            sip.request("INVITE", "echo", 1, "lonely", null, null, SipUdpClient.sdp(4000, "0", PCMU_OFFER_ATTRS));
            SipMessage r = sip.finalResponseTo("1 INVITE", WAIT);
            assertEquals(503, r.status());
            assertNotNull(r.header("Retry-After"));
            awaitTrue(() -> alone.calls().activeCalls() == 0, "the refused call to be forgotten");
            java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + alone.observePort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            dev.patchbay.metrics.Exposition scraped = dev.patchbay.metrics.Exposition.parse(metrics.body());
            assertEquals(1.0, scraped.sum("patchbay_calls_ended_total", "cause", "ROUTE_TIMEOUT", "process", "media-plane"), metrics.body());
            assertEquals(1.0, scraped.sum("patchbay_sip_invite_responses_total", "direction", "in", "status", "503"), metrics.body());
            assertEquals(0.0, scraped.sum("patchbay_control_planes_connected"), metrics.body());
            assertTrue(metrics.body().contains("# TYPE patchbay_calls_active gauge"), metrics.body());
        }
    }

    @Test
    void takenPortFailsStartupNamingTheSetting() {
        StartupException e = assertThrows(StartupException.class, () -> MediaPlane.start(config));
        assertTrue(e.getMessage().contains("patchbay.sip.port") && e.getMessage().contains("PATCHBAY_SIP_PORT"), e.getMessage());
    }

    /** An answered call with a PCMU bot attached, RTP pointed at {@code rtp}. */
    private record Answered(TestControl.Bot bot, int mediaPort, String toTag, String callId, int callerRtpPort) { }

    private static Answered answer(SipUdpClient sip, DatagramSocket rtp, String branch) throws Exception {
        return answer(sip, rtp, branch, AudioFormat.PCMU);
    }

    private static Answered answer(SipUdpClient sip, DatagramSocket rtp, String branch, AudioFormat format) throws Exception {
        return answer(sip, rtp, branch, format, "0 101");
    }

    private static Answered answer(SipUdpClient sip, DatagramSocket rtp, String branch, AudioFormat format, String formats)
            throws Exception {
        return answer(sip, rtp, branch, format, formats, false);
    }

    private static Answered answer(SipUdpClient sip, DatagramSocket rtp, String branch, AudioFormat format, String formats,
                                   boolean record) throws Exception {
        sip.request("INVITE", "echo", 1, branch, null, null, SipUdpClient.sdp(rtp.getLocalPort(), formats, PCMU_OFFER_ATTRS));
        ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
        String callId = offered.getCallId();
        TestControl.Bot bot = control.attach(callId, offered.getOffered().getAttachToken(), format);
        control.decide(RouteDecision.newBuilder().setCallId(callId).setAnswer(Answer.newBuilder().setRecord(record)));
        SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
        assertEquals(200, ok.status());
        Matcher m = Pattern.compile("m=audio (\\d+) RTP/AVP ([0-9 ]+)\r\n").matcher(ok.body());
        assertTrue(m.find(), ok.body());
        // The answer keeps only what was accepted: the first G.711 codec, and telephone-event at the caller's type.
        assertEquals(formats.replace(" 8 ", " ").replace("0 8", "0"), m.group(2), ok.body());
        String toTag = ok.header("To").replaceAll(".*;tag=", "");
        sip.request("ACK", "echo", 1, branch + "ack", toTag, null, null);
        bot.next(CallerToBot.MessageCase.ATTACHED, WAIT);
        return new Answered(bot, Integer.parseInt(m.group(1)), toTag, callId, rtp.getLocalPort());
    }

    /** Packet {@code p} of a 20 ms PCMU stream whose payload is {@link #code}. */
    private static void sendPcmu(DatagramSocket rtp, InetSocketAddress media, int p) throws java.io.IOException {
        byte[] packet = new byte[12 + 160];
        packet[0] = (byte) 0x80;
        packet[2] = (byte) (p >> 8);
        packet[3] = (byte) p;
        packet[6] = (byte) ((p * 160) >> 8);
        packet[7] = (byte) (p * 160);
        packet[11] = 0x42;
        for (int i = 0; i < 160; i++) {
            packet[12 + i] = code(p, i);
        }
        rtp.send(new DatagramPacket(packet, packet.length, media));
    }

    @Test
    void reorderedDuplicatedAndLossyRtpReachesTheBotAsContinuousFrames() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Answered call = answer(sip, rtp, "lossy");
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), call.mediaPort());
            for (int p : new int[] {0, 1, 3, 2, 4, 4, 5, 7, 6, 8, 10, 11}) { // 9 is lost
                sendPcmu(rtp, media, p);
            }
            byte[] previous = null;
            for (int p = 0; p < 12; p++) {
                AudioFrame f = call.bot().next(CallerToBot.MessageCase.AUDIO, WAIT).getAudio();
                assertEquals(p, f.getSequence(), "the bot's frames are numbered without gaps");
                byte[] expected = new byte[160];
                for (int i = 0; i < 160; i++) {
                    expected[i] = p == 9
                            ? G711.linearToUlaw((short) (G711.ulawToLinear(previous[i]) >> 1)) // concealed at half level
                            : code(p, i);
                }
                assertArrayEquals(expected, f.getPayload().toByteArray(), "frame " + p);
                previous = f.getPayload().toByteArray();
            }
            sip.request("BYE", "echo", 2, "lossybye", call.toTag(), null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, call.callId(), WAIT);
            assertEquals(1, hangup.getHangup().getStats().getFramesConcealed());
            assertEquals(1, hangup.getHangup().getStats().getPacketsLate(), "the duplicate is counted");
        }
    }

    @Test
    void sipInfoDtmfRelayIsReportedAsADigitAndOtherBodiesAreRefused() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Answered call = answer(sip, rtp, "info");
            sip.request("INFO", "echo", 2, "info1", call.toTag(), "Content-Type: application/dtmf-relay\r\n",
                    "Signal=5\r\nDuration=160\r\n");
            assertEquals(200, sip.finalResponseTo("2 INFO", WAIT).status());
            DtmfEvent digit = call.bot().next(CallerToBot.MessageCase.DTMF, WAIT).getDtmf();
            assertEquals("5", digit.getDigit());
            assertEquals(160, digit.getDurationMs());
            assertEquals(DtmfSource.SIP_INFO, digit.getSource());
            assertEquals(DtmfSource.SIP_INFO, control.next(ControlEvent.EventCase.DTMF, call.callId(), WAIT).getDtmf().getSource());

            sip.request("INFO", "echo", 3, "info2", call.toTag(), "Content-Type: application/json\r\n", "{\"x\":1}");
            assertEquals(200, sip.finalResponseTo("3 INFO", WAIT).status());
            ControlEvent info = control.next(ControlEvent.EventCase.INFO, call.callId(), WAIT);
            assertEquals("{\"x\":1}", info.getInfo().getBody().toStringUtf8());

            sip.request("INFO", "echo", 4, "info3", call.toTag(), "Content-Type: text/plain\r\n", "hello");
            SipMessage refused = sip.finalResponseTo("4 INFO", WAIT);
            assertEquals(415, refused.status());
            assertTrue(refused.header("Accept").contains("dtmf-relay"), refused.header("Accept"));

            // The same key by RFC 4733 and then by INFO is one key press, reported once.
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), call.mediaPort());
            for (int i = 0; i < 4; i++) {
                byte[] event = {(byte) 0x80, (byte) ((i == 0 ? 0x80 : 0) | 101), 0, (byte) (10 + Math.min(i, 1)), 0, 0, 0x20, 0,
                        0, 0, 0, 0x42, 8, (byte) ((i > 0 ? 0x80 : 0) | 10), 0, (byte) 0xa0};
                rtp.send(new DatagramPacket(event, event.length, media));
            }
            DtmfEvent inMedia = call.bot().next(CallerToBot.MessageCase.DTMF, WAIT).getDtmf();
            assertEquals("8", inMedia.getDigit());
            assertEquals(DtmfSource.RFC4733, inMedia.getSource());
            sip.request("INFO", "echo", 5, "info4", call.toTag(), "Content-Type: application/dtmf-relay\r\n", "Signal=8\r\n");
            assertEquals(200, sip.finalResponseTo("5 INFO", WAIT).status());

            sip.request("BYE", "echo", 6, "infobye", call.toTag(), null, null);
            assertEquals(200, sip.finalResponseTo("6 BYE", WAIT).status());
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, call.callId(), WAIT);
            assertEquals(HangupCause.CALLER_BYE, hangup.getHangup().getCause());
            assertTrue(call.bot().received.stream().noneMatch(m -> m.getMessageCase() == CallerToBot.MessageCase.DTMF),
                    "the INFO copy of the '8' is not a second press");
        }
    }

    @Test
    void aSixteenKilohertzBotHearsAndIsHeard() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Answered call = answer(sip, rtp, "wide", AudioFormat.L16_16K);
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), call.mediaPort());
            sendPcmu(rtp, media, 0);
            AudioFrame up = call.bot().next(CallerToBot.MessageCase.AUDIO, WAIT).getAudio();
            assertEquals(AudioFormat.L16_16K, up.getFormat());
            assertEquals(640, up.getPayload().size(), "20 ms at 16 kHz, 16-bit");

            // 40 ms of a 16 kHz, 1 kHz tone from the bot arrives as two 20 ms PCMU packets
            byte[] wide = new byte[1280];
            for (int i = 0; i < 640; i++) {
                short s = (short) (8000 * Math.sin(2 * Math.PI * 1000 * i / 16000));
                wide[2 * i] = (byte) s;
                wide[2 * i + 1] = (byte) (s >> 8);
            }
            call.bot().send.onNext(BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder()
                    .setPayload(com.google.protobuf.ByteString.copyFrom(wide))).build());
            byte[] heard = receiveVoiced(rtp, 2);
            double peak = 0;
            for (int i = 80; i < heard.length; i++) {
                peak = Math.max(peak, Math.abs(G711.ulawToLinear(heard[i])));
            }
            assertTrue(peak > 7000 && peak < 9000, "the tone keeps its level through 16 -> 8 kHz: peak " + peak);
            sip.request("BYE", "echo", 2, "widebye", call.toTag(), null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
        }
    }

    @Test
    void aCallerWithoutRfc4733HasItsToneDigitsHeard() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Answered call = answer(sip, rtp, "inband", AudioFormat.PCMU, "0");
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), call.mediaPort());
            // 100 ms of key 7 (852 + 1209 Hz) between silences, as a PCMU stream in 20 ms packets
            for (int p = 0; p < 20; p++) {
                byte[] packet = new byte[12 + 160];
                packet[0] = (byte) 0x80;
                packet[3] = (byte) p;
                packet[6] = (byte) ((p * 160) >> 8);
                packet[7] = (byte) (p * 160);
                for (int i = 0; i < 160; i++) {
                    int t = p * 160 + i;
                    double v = t >= 800 && t < 1600
                            ? 6000 * (Math.sin(2 * Math.PI * 852 * t / 8000) + Math.sin(2 * Math.PI * 1209 * t / 8000)) : 0;
                    packet[12 + i] = G711.linearToUlaw((short) v);
                }
                rtp.send(new DatagramPacket(packet, packet.length, media));
            }
            DtmfEvent digit = call.bot().next(CallerToBot.MessageCase.DTMF, WAIT).getDtmf();
            assertEquals("7", digit.getDigit());
            assertEquals(DtmfSource.INBAND, digit.getSource());
            sip.request("BYE", "echo", 2, "inbandbye", call.toTag(), null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
        }
    }

    @Test
    void sendDtmfPlaysRfc4733EventsThatDecodeToExactlyTheDigits() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Answered call = answer(sip, rtp, "dtmfout");
            sendPcmu(rtp, new InetSocketAddress(InetAddress.getLoopbackAddress(), call.mediaPort()), 0); // latch
            control.rpc().sendDtmf(SendDtmfRequest.newBuilder().setCallId(call.callId()).setDigits("1#")
                    .setDurationMs(100).build()).get(5, java.util.concurrent.TimeUnit.SECONDS);

            Rfc4733Receiver receiver = new Rfc4733Receiver();
            RtpPacket packet = new RtpPacket();
            StringBuilder digits = new StringBuilder();
            List<String> events = new ArrayList<>();
            byte[] buf = new byte[2048];
            rtp.setSoTimeout(2000);
            while (digits.length() < 2 || events.size() < 14) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                rtp.receive(p);
                assertEquals(RtpPacket.ParseResult.OK, packet.parse(buf, 0, p.getLength()));
                if (packet.payloadType() != 101) {
                    continue;
                }
                events.add(packet.sequence() + "/" + packet.timestamp() + "/" + packet.marker() + "/" + (buf[packet.payloadOffset() + 1] & 0x80));
                if (receiver.feed(packet).began()) {
                    digits.append(receiver.digit());
                }
            }
            assertEquals("1#", digits.toString());
            // Per digit: 5 packets growing to 100 ms, the first with the marker, then the end packet twice more
            // with the same sequence number, all at the event's one timestamp.
            String[] first = events.get(0).split("/");
            assertEquals("true", first[2]);
            for (int i = 1; i < 7; i++) {
                String[] e = events.get(i).split("/");
                assertEquals(first[1], e[1], "one timestamp per event");
                assertEquals("false", e[2]);
            }
            assertEquals(events.get(4), events.get(5), "end packet repeated with its sequence number");
            assertEquals(events.get(5), events.get(6));
            assertTrue(events.get(4).endsWith("/128"), "E bit on the end packet: " + events.get(4));
            sip.request("BYE", "echo", 2, "dtmfoutbye", call.toTag(), null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
        }
    }

    @Test
    void digitsGoAsSipInfoWhenAskedForAndInfoBodiesPassThrough() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Answered call = answer(sip, rtp, "infoout", AudioFormat.PCMU, "0");
            var dtmf = control.rpc().sendDtmf(SendDtmfRequest.newBuilder().setCallId(call.callId()).setDigits("5")
                    .setMethod(DtmfMethod.DTMF_SIP_INFO).build());
            SipMessage info = sip.nextRequest(WAIT);
            assertTrue(info.startLine().startsWith("INFO "), info.startLine());
            assertEquals("application/dtmf-relay", info.header("Content-Type"));
            assertTrue(info.body().contains("Signal=5"), info.body());
            sip.respond(info, 200, "OK");
            dtmf.get(5, java.util.concurrent.TimeUnit.SECONDS);

            var update = control.rpc().sendInfo(SendInfoRequest.newBuilder().setCallId(call.callId())
                    .setContentType("application/json").setBody(com.google.protobuf.ByteString.copyFromUtf8("{\"intent\":\"billing\"}")).build());
            SipMessage json = sip.nextRequest(WAIT);
            assertEquals("application/json", json.header("Content-Type"));
            assertEquals("{\"intent\":\"billing\"}", json.body());
            sip.respond(json, 488, "Not Acceptable Here");
            assertEquals(488, update.get(5, java.util.concurrent.TimeUnit.SECONDS).getSipStatus(), "the peer's answer is reported");

            var bad = control.rpc().sendDtmf(SendDtmfRequest.newBuilder().setCallId(call.callId()).setDigits("5x").build());
            assertEquals(Status.Code.INVALID_ARGUMENT, Status.fromThrowable(
                    assertThrows(java.util.concurrent.ExecutionException.class, bad::get)).getCode());
            var rfc = control.rpc().sendDtmf(SendDtmfRequest.newBuilder().setCallId(call.callId()).setDigits("5")
                    .setMethod(DtmfMethod.DTMF_RFC4733).build());
            assertEquals(Status.Code.FAILED_PRECONDITION, Status.fromThrowable(
                    assertThrows(java.util.concurrent.ExecutionException.class, rfc::get)).getCode());
            sip.request("BYE", "echo", 2, "infooutbye", call.toTag(), null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
        }
    }

    @Test
    void blindTransferFollowsTheNotifyToSuccessThenLeavesTheCall() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Answered call = answer(sip, rtp, "xfer");
            var transfer = control.rpc().transfer(TransferRequest.newBuilder().setCallId(call.callId())
                    .setTargetUri("sip:agent@pbx.example.com;transport=tcp").build());
            SipMessage refer = sip.nextRequest(WAIT);
            assertTrue(refer.startLine().startsWith("REFER "), refer.startLine());
            assertTrue(refer.header("Refer-To").contains("sip:agent@pbx.example.com;transport=tcp"), refer.header("Refer-To"));
            assertNotNull(refer.header("Referred-By"));
            sip.respond(refer, 202, "Accepted");

            for (String frag : new String[] {"SIP/2.0 100 Trying", "SIP/2.0 200 OK"}) {
                sip.request("NOTIFY", "patchbay", frag.contains("100") ? 2 : 3, "xfernotify" + frag.length() + frag.charAt(8), call.toTag(),
                        "Event: refer\r\nSubscription-State: " + (frag.contains("200") ? "terminated;reason=noresource" : "active;expires=60")
                                + "\r\nContent-Type: message/sipfrag;version=2.0\r\n", frag + "\r\n");
                assertEquals(200, sip.finalResponse(WAIT).status(), "NOTIFY is answered");
            }
            assertEquals(200, transfer.get(5, java.util.concurrent.TimeUnit.SECONDS).getFinalStatus());
            assertFalse(transfer.get().getReferRefused(), "the REFER was accepted; the status is the NOTIFY's");
            SipMessage bye = sip.nextRequest(WAIT);
            assertTrue(bye.startLine().startsWith("BYE "), "the transferred call is left with BYE: " + bye.startLine());
            sip.respond(bye, 200, "OK");
            assertEquals(HangupCause.TRANSFERRED, control.next(ControlEvent.EventCase.HANGUP, call.callId(), WAIT).getHangup().getCause());
        }
    }

    @Test
    void aRefusedTransferIsReportedAndTheCallStays() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Answered call = answer(sip, rtp, "xferno");
            var transfer = control.rpc().transfer(TransferRequest.newBuilder().setCallId(call.callId())
                    .setTargetUri("sip:agent@pbx.example.com").build());
            SipMessage refer = sip.nextRequest(WAIT);
            sip.respond(refer, 603, "Decline");
            assertEquals(603, transfer.get(5, java.util.concurrent.TimeUnit.SECONDS).getFinalStatus());
            assertTrue(transfer.get().getReferRefused(), "the REFER itself was refused, so the control-plane may bridge");
            assertTrue(plane.calls().byId(call.callId()).isPresent(), "a failed transfer leaves the call with the bot");
            var bad = control.rpc().transfer(TransferRequest.newBuilder().setCallId(call.callId()).setTargetUri("agent 42").build());
            assertEquals(Status.Code.INVALID_ARGUMENT, Status.fromThrowable(
                    assertThrows(java.util.concurrent.ExecutionException.class, bad::get)).getCode());
            sip.request("BYE", "echo", 2, "xfernobye", call.toTag(), null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
        }
    }

    @Test
    void reInvitesHoldResumeAndChangeTheCodec() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Answered call = answer(sip, rtp, "reinv", AudioFormat.PCMU, "0 8 101");
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), call.mediaPort());
            sendPcmu(rtp, media, 0);
            assertEquals(0, nextRtp(rtp, 1000).payloadType(), "PCMU flows");

            SipMessage held = reInvite(sip, call, 2, "0 8 101", "a=sendonly\r\n");
            assertTrue(held.body().contains("a=recvonly"), held.body());
            assertTrue(held.body().contains("o=patchbay ") && !held.body().equals(""), held.body());
            assertEquals(null, quietAfter(rtp, 100, 400), "on hold Patchbay sends no RTP");

            SipMessage resumed = reInvite(sip, call, 3, "8 101", "a=sendrecv\r\n");
            assertTrue(resumed.body().contains("m=audio " + call.mediaPort() + " RTP/AVP 8 101"), resumed.raw());
            assertTrue(resumed.body().contains("a=sendrecv"), resumed.body());
            sendPcmu(rtp, media, 1);
            RtpPacket after = nextRtp(rtp, 1000);
            assertEquals(8, after.payloadType(), "after the codec change Patchbay sends PCMA");

            sip.request("INVITE", "echo", 4, "reinvbad", call.toTag(), null, SipUdpClient.sdp(rtp.getLocalPort(), "18", "a=rtpmap:18 G729/8000\r\n"));
            assertEquals(488, sip.finalResponseTo("4 INVITE", WAIT).status(), "an unacceptable re-offer is refused");
            assertTrue(plane.calls().byId(call.callId()).isPresent(), "and the call carries on");
            sip.request("BYE", "echo", 5, "reinvbye", call.toTag(), null, null);
            assertEquals(200, sip.finalResponseTo("5 BYE", WAIT).status());
        }
    }

    private static SipMessage reInvite(SipUdpClient sip, Answered call, int cseq, String formats, String attributes) throws Exception {
        sip.request("INVITE", "echo", cseq, "reinv" + cseq, call.toTag(), null,
                SipUdpClient.sdp(call.callerRtpPort(), formats, PCMU_OFFER_ATTRS + attributes));
        SipMessage ok = sip.finalResponseTo(cseq + " INVITE", WAIT);
        assertEquals(200, ok.status());
        sip.request("ACK", "echo", cseq, "reinvack" + cseq, call.toTag(), null, null);
        return ok;
    }

    /** The next RTP packet, skipping nothing; fails after {@code timeoutMs}. */
    private static RtpPacket nextRtp(DatagramSocket rtp, int timeoutMs) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        rtp.setSoTimeout(timeoutMs);
        rtp.receive(p);
        RtpPacket packet = new RtpPacket();
        assertEquals(RtpPacket.ParseResult.OK, packet.parse(buf, 0, p.getLength()));
        return packet;
    }

    /** Drains for {@code graceMs}, then returns the first packet within {@code windowMs}, or null. */
    private static DatagramPacket quietAfter(DatagramSocket rtp, int graceMs, int windowMs) throws Exception {
        long graceEnd = System.nanoTime() + graceMs * 1_000_000L;
        byte[] buf = new byte[2048];
        while (System.nanoTime() < graceEnd) {
            rtp.setSoTimeout(Math.max(1, (int) ((graceEnd - System.nanoTime()) / 1_000_000)));
            try {
                rtp.receive(new DatagramPacket(buf, buf.length));
            } catch (SocketTimeoutException e) {
                break;
            }
        }
        rtp.setSoTimeout(windowMs);
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            rtp.receive(p);
            return p;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    @Test
    void aDoubleCrlfKeepAliveOnTcpIsAnsweredWithOneCrlf() throws Exception {
        try (java.net.Socket tcp = new java.net.Socket(InetAddress.getLoopbackAddress(), config.sipPort())) {
            tcp.setSoTimeout((int) WAIT.toMillis());
            String options = "OPTIONS sip:probe@127.0.0.1:" + config.sipPort() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TCP 127.0.0.1:" + tcp.getLocalPort() + ";branch=z9hG4bKka1\r\nMax-Forwards: 70\r\n"
                    + "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:probe@127.0.0.1>\r\nCall-ID: ka1@test\r\n"
                    + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            tcp.getOutputStream().write(options.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] buf = new byte[4096];
            int n = tcp.getInputStream().read(buf);
            assertTrue(new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII).startsWith("SIP/2.0 200"));
            tcp.getOutputStream().write("\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // RFC 5626 ping
            n = tcp.getInputStream().read(buf);
            assertEquals("\r\n", new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII), "the pong");
        }
    }

    @Test
    void aRecordedCallIsAStereoWavWithTheCallerLeftAndTheBotRight() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Answered call = answer(sip, rtp, "rec", AudioFormat.PCMU, "0 101", true);
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), call.mediaPort());
            for (int p = 0; p < 5; p++) {
                sendPcmu(rtp, media, p);
            }
            byte[] tone = new byte[160];
            for (int i = 0; i < tone.length; i++) {
                tone[i] = G711.linearToUlaw((short) (6000 * Math.sin(i * 2 * Math.PI / 16)));
            }
            call.bot().send.onNext(BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder()
                    .setPayload(com.google.protobuf.ByteString.copyFrom(tone))).build());
            receiveVoiced(rtp, 1);
            for (int p = 0; p < 5; p++) {
                call.bot().next(CallerToBot.MessageCase.AUDIO, WAIT); // the caller's audio has gone through
            }
            sip.request("BYE", "echo", 2, "recbye", call.toTag(), null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
            String path = control.next(ControlEvent.EventCase.HANGUP, call.callId(), WAIT).getHangup().getRecordingPath();
            assertTrue(path.endsWith(call.callId() + ".wav"), path);

            java.nio.file.Path wav = java.nio.file.Path.of(path);
            awaitTrue(() -> finishedWav(wav), "the recording to be finalised");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(wav)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals(2, b.getShort(22), "stereo");
            assertEquals(8000, b.getInt(24));
            assertEquals(16, b.getShort(34));
            int frames = (b.limit() - 44) / 4;
            short[] left = new short[frames];
            short[] right = new short[frames];
            for (int i = 0; i < frames; i++) {
                left[i] = b.getShort(44 + 4 * i);
                right[i] = b.getShort(46 + 4 * i);
            }
            assertTrue(contains(left, decodeCaller(2)), "the caller's third packet is on the left");
            short[] botPcm = new short[160];
            G711.decodeUlaw(tone, 0, 160, botPcm, 0);
            assertTrue(contains(right, botPcm), "the bot's tone, as played, is on the right");
            assertTrue(!contains(left, botPcm) && !contains(right, decodeCaller(2)), "and neither leaks into the other");
        }
    }

    private static boolean finishedWav(java.nio.file.Path wav) {
        try {
            byte[] all = java.nio.file.Files.readAllBytes(wav);
            return all.length > 44 && java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(40) == all.length - 44;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static short[] decodeCaller(int packet) {
        byte[] codes = new byte[160];
        for (int i = 0; i < 160; i++) {
            codes[i] = code(packet, i);
        }
        short[] pcm = new short[160];
        G711.decodeUlaw(codes, 0, 160, pcm, 0);
        return pcm;
    }

    private static boolean contains(short[] haystack, short[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static byte code(int packet, int i) {
        byte b = (byte) (packet * 31 + i);
        return b == 0x7F ? 0x7E : b;
    }

    private static byte[] receiveVoiced(DatagramSocket rtp, int frames) throws Exception {
        return VoicedRtp.receive(rtp, frames, 2000).payload();
    }
}
