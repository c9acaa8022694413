package dev.patchbay.media.app;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.dtmf.InbandDtmfDetector;
import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.media.testutil.Multimon;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.DtmfMethod;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.PlaceCallResponse;
import dev.patchbay.proto.media.v1.RouteDecision;
import dev.patchbay.proto.media.v1.SendDtmfRequest;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DTMF to a far end that did not negotiate telephone-event (issue 14 part 4): a real SIPp UAS that
 * knows no INFO answers Patchbay's call without telephone-event, its media goes to a receiver in this
 * test, and what arrives there is decoded by Patchbay's detector and by multimon-ng.
 */
class DtmfOutTest extends SharedMediaPlane {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(DtmfOutTest.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A call placed to a SIPp UAS that answers PCMU only, with its media sent to {@code rtp}. */
    private record FarEnd(Process sipp, Path dir, String callId) { }

    private static FarEnd call(DatagramSocket rtp, DtmfMethod trunkMode) throws Exception {
        int sippPort = Ports.freeUdpAndTcp();
        Path dir = Sipp.workDir();
        Process sipp = Sipp.start(dir, List.of("-sf", PlaceCallOptionsTest.scenario("uas-no-telephone-event.xml").toString(),
                "-m", "1", "-i", "127.0.0.1", "-p", Integer.toString(sippPort), "-key", "rtpport", Integer.toString(rtp.getLocalPort())));
        PlaceCallResponse call = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:ivr@carrier.example")
                .setFromUri("sip:+15557654321@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(sippPort)
                .setDtmfMethod(trunkMode).build()).get(5, TimeUnit.SECONDS);
        control.next(ControlEvent.EventCase.ANSWERED, call.getCallId(), WAIT);
        return new FarEnd(sipp, dir, call.getCallId());
    }

    private static void hangUp(FarEnd far) throws Exception {
        control.rpc().hangup(HangupRequest.newBuilder().setCallId(far.callId()).build()).get(5, TimeUnit.SECONDS);
        Sipp.Result r = Sipp.await(far.sipp(), far.dir());
        assertEquals(0, r.exitCode(), "SIPp saw no INFO or other unexpected message, and got the BYE:\n" + r.output());
    }

    @Test
    void autoModeWithoutTelephoneEventPlaysTonesThatBothDetectorsDecodeAndTheRequestSucceeds() throws Exception {
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            FarEnd far = call(rtp, DtmfMethod.DTMF_METHOD_UNSPECIFIED);
            long asked = System.nanoTime();
            control.rpc().sendDtmf(SendDtmfRequest.newBuilder().setCallId(far.callId()).setDigits("159#").build())
                    .get(5, TimeUnit.SECONDS);
            long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
            assertTrue(answeredMs < 1000, "SendDtmf answered once queued, not after the far end: " + answeredMs + " ms");

            Received got = receive(rtp, "159#", 5000);
            assertEquals("159#", got.detected, "Patchbay's detector on the received RTP");
            assertEquals("159#", Multimon.decode(got.pcm()), "multimon-ng on the received RTP");
            assertEquals(0, got.otherPayloadTypes, "only PCMU, no telephone-events the far end did not ask for");
            assertEquals(0, got.gaps, "consecutive sequence numbers and timestamps: tones take slots, add none");
            // 100 ms tone per key is 5 frames of 20 ms; the 2 ms ramps keep every one of them loud.
            assertEquals(4 * 5, got.toneFrames, "tone frames");
            long firstTone = got.firstToneMs(asked);
            LOG.info(() -> "in-band DTMF out: SendDtmf answered in " + answeredMs + " ms, first tone frame "
                    + firstTone + " ms after the request");
            hangUp(far);
        }
    }

    @Test
    void aTrunkSetToRfc4733IsRefusedNamingTheSettingWhenTheFarEndHasNoTelephoneEvent() throws Exception {
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            FarEnd far = call(rtp, DtmfMethod.DTMF_RFC4733);
            var refused = control.rpc().sendDtmf(SendDtmfRequest.newBuilder().setCallId(far.callId()).setDigits("1").build());
            Status s = Status.fromThrowable(assertThrows(ExecutionException.class, () -> refused.get(5, TimeUnit.SECONDS)));
            assertEquals(Status.Code.FAILED_PRECONDITION, s.getCode());
            assertTrue(s.getDescription().contains("dtmf_mode rfc4733") && s.getDescription().contains("telephone-event"),
                    s.getDescription());
            // An explicit method still wins over the trunk's mode.
            control.rpc().sendDtmf(SendDtmfRequest.newBuilder().setCallId(far.callId()).setDigits("7")
                    .setMethod(DtmfMethod.DTMF_INBAND).build()).get(5, TimeUnit.SECONDS);
            Received got = receive(rtp, "7", 5000);
            assertEquals("7", got.detected);
            hangUp(far);
        }
    }

    /** An inbound call from {@code sip} offering PCMU and telephone-event, answered with the trunk mode given. */
    private static String answerInbound(SipUdpClient sip, DatagramSocket rtp, String branch, DtmfMethod trunkMode) throws Exception {
        sip.request("INVITE", "ivr", 1, branch, null, null, SipUdpClient.sdp(rtp.getLocalPort(), "0 101",
                "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"));
        String callId = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
        control.decide(RouteDecision.newBuilder().setCallId(callId).setAnswer(Answer.newBuilder().setDtmfMethod(trunkMode)));
        SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
        assertEquals(200, ok.status());
        assertTrue(ok.body().contains("telephone-event"), "telephone-event negotiated: " + ok.body());
        sip.request("ACK", "ivr", 1, branch + "ack", ok.header("To").replaceAll(".*;tag=", ""), null, null);
        control.next(ControlEvent.EventCase.ANSWERED, callId, WAIT);
        return callId;
    }

    private static void hangUpInbound(SipUdpClient sip, String callId) throws Exception {
        control.rpc().hangup(HangupRequest.newBuilder().setCallId(callId).build()).get(5, TimeUnit.SECONDS);
        SipMessage bye = sip.nextRequest(WAIT);
        assertTrue(bye.startLine().startsWith("BYE "), bye.startLine());
        sip.respond(bye, 200, "OK");
    }

    @Test
    void anInboundTrunkSetToInbandGetsTonesEvenWithTelephoneEventNegotiated() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(plane.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String callId = answerInbound(sip, rtp, "inbandtrunk", DtmfMethod.DTMF_INBAND);
            control.rpc().sendDtmf(SendDtmfRequest.newBuilder().setCallId(callId).setDigits("*0").build()).get(5, TimeUnit.SECONDS);
            Received got = receive(rtp, "*0", 5000);
            assertEquals("*0", got.detected);
            assertEquals(0, got.otherPayloadTypes, "no telephone-events: the trunk asked for tones");
            hangUpInbound(sip, callId);
        }
    }

    @Test
    void anInboundTrunkSetToInfoSendsDtmfRelayAndAnswersAfterThe2xx() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(plane.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String callId = answerInbound(sip, rtp, "infotrunk", DtmfMethod.DTMF_SIP_INFO);
            var dtmf = control.rpc().sendDtmf(SendDtmfRequest.newBuilder().setCallId(callId).setDigits("4").build());
            SipMessage info = sip.nextRequest(WAIT);
            assertTrue(info.startLine().startsWith("INFO "), info.startLine());
            assertEquals("application/dtmf-relay", info.header("Content-Type"));
            assertTrue(info.body().contains("Signal=4") && info.body().contains("Duration=100"), info.body());
            assertTrue(!dtmf.isDone(), "info mode waits for the far end's answer");
            sip.respond(info, 200, "OK");
            dtmf.get(5, TimeUnit.SECONDS);
            hangUpInbound(sip, callId);
        }
    }

    /** What the far end's receiver got: decoded audio and a few checks on the stream. */
    private record Received(String detected, List<short[]> frames, List<Long> toneArrivals, int toneFrames,
                            int otherPayloadTypes, int gaps) {
        short[] pcm() {
            short[] all = new short[frames.size() * 160];
            for (int i = 0; i < frames.size(); i++) {
                System.arraycopy(frames.get(i), 0, all, i * 160, 160);
            }
            return all;
        }

        long firstToneMs(long since) {
            return toneArrivals.isEmpty() ? -1 : TimeUnit.NANOSECONDS.toMillis(toneArrivals.get(0) - since);
        }
    }

    /**
     * Reads RTP until the detector has heard {@code expected} and 300 ms more (the last pause), or the
     * time runs out.
     */
    private static Received receive(DatagramSocket rtp, String expected, int withinMs) throws Exception {
        InbandDtmfDetector detector = new InbandDtmfDetector();
        RtpPacket packet = new RtpPacket();
        StringBuilder detected = new StringBuilder();
        List<short[]> frames = new ArrayList<>();
        List<Long> toneArrivals = new ArrayList<>();
        int toneFrames = 0;
        int other = 0;
        int gaps = 0;
        int lastSeq = -1;
        long lastTs = -1;
        byte[] buf = new byte[2048];
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMs);
        long stopAt = Long.MAX_VALUE;
        rtp.setSoTimeout(200);
        while (System.nanoTime() < Math.min(deadline, stopAt)) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                rtp.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            long now = System.nanoTime();
            assertEquals(RtpPacket.ParseResult.OK, packet.parse(buf, 0, p.getLength()));
            if (packet.payloadType() != 0 || packet.payloadLength() != 160) {
                other++;
                continue;
            }
            if (lastSeq >= 0 && (packet.sequence() != ((lastSeq + 1) & 0xFFFF) || packet.timestamp() != ((lastTs + 160) & 0xFFFF_FFFFL))) {
                gaps++;
            }
            lastSeq = packet.sequence();
            lastTs = packet.timestamp();
            short[] frame = new short[160];
            G711.decodeUlaw(buf, packet.payloadOffset(), 160, frame, 0);
            frames.add(frame);
            double energy = 0;
            for (short s : frame) {
                energy += (double) s * s;
            }
            if (Math.sqrt(energy / 160) > 3000) {
                toneFrames++;
                toneArrivals.add(now);
            }
            char digit = detector.feed(frame, 0, 160);
            if (digit != 0) {
                detected.append(digit);
                if (detected.toString().equals(expected)) {
                    stopAt = now + TimeUnit.MILLISECONDS.toNanos(300);
                }
            }
        }
        return new Received(detected.toString(), frames, toneArrivals, toneFrames, other, gaps);
    }
}
