package dev.patchbay.media.app;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import dev.patchbay.media.testutil.RtpPackets;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20 §4, RTP Bleed-style injection: once a call has latched onto its caller's RTP source
 * (symmetric RTP), a flood of well-formed RTP to the call's port from anywhere else, another port
 * on the caller's host or another host, never reaches the bot.
 */
class RtpInjectionTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final byte CALLER = 0x55;
    private static final byte INJECTED = 0x00;
    private static final int FRAMES = 50;
    private static final int INJECTED_PER_FRAME = 40;

    @Test
    void injectedRtpFromAnotherSourceNeverReachesTheBot() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(plane.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket samHost = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket otherHost = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.5"), 0))) {
            sip.request("INVITE", "echo", 1, "inj1", null, null, SipUdpClient.sdp(rtp.getLocalPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            String callId = offered.getCallId();
            TestControl.Bot bot = control.attach(callId, offered.getOffered().getAttachToken(), AudioFormat.PCMU);
            control.decide(RouteDecision.newBuilder().setCallId(callId).setAnswer(Answer.newBuilder()));
            SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
            String toTag = ok.header("To").replaceAll(".*;tag=", "");
            sip.request("ACK", "echo", 1, "inj1ack", toTag, null, null);
            bot.next(CallerToBot.MessageCase.ATTACHED, WAIT);
            Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(ok.body());
            assertTrue(m.find(), ok.body());
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));

            send(rtp, media, 0, 0x42, CALLER); // the caller speaks first: the call latches onto it
            assertEquals(ByteString.copyFrom(filled(CALLER)), bot.next(CallerToBot.MessageCase.AUDIO, WAIT).getAudio().getPayload(),
                    "the bot hears the caller");

            int injectedSent = 0;
            long tick = System.nanoTime();
            for (int f = 1; f <= FRAMES; f++) {
                send(rtp, media, f, 0x42, CALLER);
                for (int i = 0; i < INJECTED_PER_FRAME; i++) {
                    // Plausible packets: the next sequence numbers, the caller's SSRC or a fresh one.
                    send(i % 2 == 0 ? samHost : otherHost, media, f + 1 + i, i % 3 == 0 ? 0x42 : 0x666, INJECTED);
                    injectedSent++;
                }
                tick += 20_000_000L;
                LockSupport.parkNanos(tick - System.nanoTime()); // the caller's 20 ms pace
            }
            int callerFrames = 0;
            int injectedFrames = 0;
            // What the bot got during the flood and the jitter buffer's worth after it; the media loop
            // keeps sending (concealment) frames for as long as the call lasts, so the look ends at a deadline.
            long end = System.nanoTime() + 1_000_000_000L;
            for (CallerToBot msg = bot.next(CallerToBot.MessageCase.AUDIO, WAIT); msg != null && System.nanoTime() < end;
                 msg = bot.received.poll(500, TimeUnit.MILLISECONDS)) {
                if (msg.getMessageCase() != CallerToBot.MessageCase.AUDIO) {
                    continue;
                }
                byte[] frame = msg.getAudio().getPayload().toByteArray();
                callerFrames += Arrays.equals(frame, filled(CALLER)) ? 1 : 0;
                for (byte b : frame) {
                    if (b == INJECTED) {
                        injectedFrames++;
                        break;
                    }
                }
            }
            assertEquals(0, injectedFrames, "frames carrying injected audio, of " + injectedSent + " packets injected");
            assertTrue(callerFrames >= FRAMES / 2, "the caller was still heard through the flood: " + callerFrames + " frames");
            sip.request("BYE", "echo", 2, "inj1bye", toTag, null, null);
            assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
        }
    }

    private static byte[] filled(byte value) {
        byte[] b = new byte[160];
        Arrays.fill(b, value);
        return b;
    }

    private static void send(DatagramSocket from, InetSocketAddress to, int seq, int ssrc, byte value) throws java.io.IOException {
        byte[] packet = RtpPackets.pcmu(seq, ssrc, filled(value));
        from.send(new DatagramPacket(packet, packet.length, to));
    }
}
