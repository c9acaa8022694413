package dev.patchbay.control.wss;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.app.MediaConfig;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.RouteDecision;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real media-plane in-process, the test as its control-plane, and real SIP/RTP callers over loopback. */
final class CallRig implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(5);

    final MediaPlane plane;
    final TestControl control;
    final ManagedChannel channel;
    /** The bridges' one AudioMux stream to the media-plane, as the control-plane has one per node. */
    final BridgeMux mux;

    CallRig() throws Exception {
        int rtpBase = Ports.rtpBase(100);
        MediaConfig d = MediaConfig.defaults();
        plane = MediaPlane.start(d.withSipHost("127.0.0.1").withSipPort(Ports.freeUdpAndTcp()).withSipThreads(4)
                .withRtpHost("127.0.0.1").withRtpPorts(rtpBase, rtpBase + 99).withMediaLoops(1)
                .withGrpcHost("127.0.0.1").withGrpcPort(0).withObservePort(0)
                .withRouteTimeout(Duration.ofSeconds(5)).withRingTimeout(Duration.ofSeconds(10)).withAckTimeout(Duration.ofSeconds(5))
                .withMaxCalls(200).withDrainTimeout(Duration.ofSeconds(2)).withTls(d.tls().withPort(0))
                .withRecordings(java.nio.file.Files.createTempDirectory("patchbay-rec")).withReattachGrace(Duration.ofSeconds(2)));
        control = new TestControl(plane.grpcPort());
        Await.until(() -> plane.hub().connected() == 1, WAIT, "the test control stream to register");
        channel = NettyChannelBuilder.forAddress("127.0.0.1", plane.grpcPort()).usePlaintext().build();
        mux = new BridgeMux(channel, "127.0.0.1:" + plane.grpcPort());
    }

    /** An answered call: the caller's SIP and RTP sockets, and what the bridge needs to attach. */
    /**
     * Waits until the bridge's Audio stream is attached on the media-plane and the call's media loop
     * has taken it: caller audio that arrives before is, by design, heard by nobody.
     */
    void awaitBotAttached(Call call) throws Exception {
        Await.until(() -> plane.calls().byId(call.callId()).map(c -> c.attachments() > 0).orElse(false), WAIT,
                "the bridge's Audio stream to attach");
        // The loop runs commands in order: once this snapshot is taken, the attach before it has run.
        plane.calls().byId(call.callId()).orElseThrow().media().snapshot().get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    record Call(SipUdpClient sip, DatagramSocket rtp, String callId, String token, InetSocketAddress media, String toTag)
            implements AutoCloseable {

        void sendPcmu(int p, byte[] payload) throws java.io.IOException {
            byte[] packet = dev.patchbay.media.testutil.RtpPackets.pcmu(p, 0x42, payload);
            rtp.send(new DatagramPacket(packet, packet.length, media));
        }

        /** The digit as real carriers send RFC 4733: a start packet, growing durations, three end packets. */
        void sendDigit(int event, int seqBase) throws java.io.IOException {
            for (int i = 0; i < 6; i++) {
                boolean end = i >= 3;
                int duration = Math.min(i + 1, 3) * 160;
                byte[] p = {(byte) 0x80, (byte) ((i == 0 ? 0x80 : 0) | 101), 0, (byte) (seqBase + Math.min(i, 3)), 0, 0, 0x40, 0,
                        0, 0, 0, 0x42, (byte) event, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >> 8), (byte) duration};
                rtp.send(new DatagramPacket(p, p.length, media));
            }
        }

        void bye(int cseq) throws Exception {
            sip.request("BYE", "bot", cseq, "bye" + cseq + callId.hashCode(), toTag, null, null);
            assertEquals(200, sip.finalResponseTo(cseq + " BYE", WAIT).status());
        }

        /** Waits for the gateway's BYE and answers it. */
        SipUdpClient.SipMessage awaitBye() throws Exception {
            SipUdpClient.SipMessage bye = sip.nextRequest(WAIT);
            assertTrue(bye != null && bye.startLine().startsWith("BYE "), "the caller is sent BYE: " + (bye == null ? "nothing" : bye.startLine()));
            sip.respond(bye, 200, "OK");
            return bye;
        }

        @Override
        public void close() {
            sip.close();
            rtp.close();
        }
    }

    Call call(String branch) throws Exception {
        SipUdpClient sip = new SipUdpClient(plane.sipPort());
        DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sip.request("INVITE", "bot", 1, branch, null, null, SipUdpClient.sdp(rtp.getLocalPort(), "0 101",
                "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"));
        ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
        control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.newBuilder().setBotRef("wss-test")));
        SipUdpClient.SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
        assertEquals(200, ok.status());
        Matcher m = Pattern.compile("m=audio (\\d+) RTP/AVP").matcher(ok.body());
        assertTrue(m.find(), ok.body());
        String toTag = ok.header("To").replaceAll(".*;tag=", "");
        sip.request("ACK", "bot", 1, branch + "ack", toTag, null, null);
        return new Call(sip, rtp, offered.getCallId(), offered.getOffered().getAttachToken(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1))), toTag);
    }

    static BridgeTarget target(Call call, String url, String dialect, int rate, Duration grace) {
        return new BridgeTarget(call.callId(), call.token(), URI.create(url), dialect, rate, Map.of("agent", "a\"1"),
                "ws_test", "+15550001111", "+15550002222", Duration.ofSeconds(2), grace);
    }

    /** Records what a bridge reports. */
    static final class Events implements BridgeListener {
        final List<String> log = new CopyOnWriteArrayList<>();

        @Override
        public void connected(String callId) {
            log.add("connected");
        }

        @Override
        public void ended(String callId, String reason) {
            log.add("ended " + reason);
        }

        @Override
        public void action(String callId, String action, String detail) {
            log.add(action + " " + detail);
        }

        boolean has(String prefix) {
            return log.stream().anyMatch(s -> s.startsWith(prefix));
        }

        void await(String prefix) throws InterruptedException {
            Await.until(() -> has(prefix), WAIT, "bridge event '" + prefix + "' (got " + log + ")");
        }
    }

    @Override
    public void close() {
        mux.close();
        channel.shutdownNow();
        control.close();
        plane.close();
    }
}
