package dev.patchbay.media.app;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.media.sdp.SdpParser;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.RouteDecision;
import dev.patchbay.proto.media.v1.SendDtmfRequest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 4733 on an Opus call, as WebRTC gateways offer it: telephone-event at the voice's 48 kHz clock
 * (RFC 4733 §2.1), beside one at 8 kHz. Patchbay answers the 48 kHz one, reads the caller's digits at that
 * clock, and plays the bot's digits as events whose duration grows by 960 per 20 ms packet.
 */
class OpusTelephoneEventTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int OPUS = 111;
    private static final int EVENTS_48K = 110;

    @Test
    void digitsBothWaysRunAtFortyEightKilohertz() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(plane.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            sip.request("INVITE", "ivr", 1, "opusdtmf", null, null, SipUdpClient.sdp(rtp.getLocalPort(),
                    OPUS + " " + EVENTS_48K + " 101", "a=rtpmap:" + OPUS + " opus/48000/2\r\na=fmtp:" + OPUS + " useinbandfec=1\r\n"
                            + "a=rtpmap:" + EVENTS_48K + " telephone-event/48000\r\na=fmtp:" + EVENTS_48K + " 0-16\r\n"
                            + "a=rtpmap:101 telephone-event/8000\r\n"));
            String callId = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
            control.decide(RouteDecision.newBuilder().setCallId(callId).setAnswer(Answer.newBuilder()));
            SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
            assertEquals(200, ok.status(), ok.raw());
            assertTrue(ok.body().contains("m=audio ") && ok.body().contains(" RTP/AVP " + OPUS + " " + EVENTS_48K + "\r\n")
                    && ok.body().contains("a=rtpmap:" + EVENTS_48K + " telephone-event/48000\r\n")
                    && !ok.body().contains("telephone-event/8000"), "the events at Opus's clock are answered: " + ok.body());
            sip.request("ACK", "ivr", 1, "opusdtmfack", ok.header("To").replaceAll(".*;tag=", ""), null, null);
            control.next(ControlEvent.EventCase.ANSWERED, callId, WAIT);
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    SdpParser.parseAudio(ok.body()).port());

            // The caller presses 7 for 60 ms: three packets at 960, 1920 and 2880, the last one three times.
            int[] durations = {960, 1920, 2880, 2880, 2880};
            for (int i = 0; i < durations.length; i++) {
                byte[] p = event(i, 480_000, i == 0, 7, i >= 2, durations[i]);
                rtp.send(new DatagramPacket(p, p.length, media));
            }
            ControlEvent digit = control.next(ControlEvent.EventCase.DTMF, callId, WAIT);
            assertEquals("7", digit.getDtmf().getDigit());
            assertEquals(DtmfSource.RFC4733, digit.getDtmf().getSource());

            // The bot's 5 reaches the caller as events at the 48 kHz clock.
            control.rpc().sendDtmf(SendDtmfRequest.newBuilder().setCallId(callId).setDigits("5").build()).get(5, TimeUnit.SECONDS);
            List<int[]> events = events(rtp, 5);
            assertEquals(5, events.get(0)[0], "event code 5");
            assertEquals(960, events.get(0)[1], "the first packet lasts 20 ms of the 48 kHz clock");
            for (int i = 1; i < events.size(); i++) {
                assertEquals(events.get(0)[2], events.get(i)[2], "one event, one timestamp");
                assertTrue(events.get(i)[1] == events.get(i - 1)[1] + 960 || events.get(i)[3] == 1,
                        "the duration grows by 960 per packet until the end: " + events.get(i)[1]);
            }
            assertEquals(4800, events.get(events.size() - 1)[1], "the default 100 ms digit ends at 4,800");

            control.rpc().hangup(HangupRequest.newBuilder().setCallId(callId).build()).get(5, TimeUnit.SECONDS);
            SipMessage bye = sip.nextRequest(WAIT);
            assertTrue(bye.startLine().startsWith("BYE "), bye.startLine());
            sip.respond(bye, 200, "OK");
        }
    }

    /** An RFC 4733 packet at payload type {@value #EVENTS_48K}. */
    private static byte[] event(int seq, long timestamp, boolean marker, int code, boolean end, int duration) {
        byte[] p = new byte[16];
        p[0] = (byte) 0x80;
        p[1] = (byte) ((marker ? 0x80 : 0) | EVENTS_48K);
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            p[4 + i] = (byte) (timestamp >> (24 - 8 * i));
            p[8 + i] = (byte) (0x5EED0000 >> (24 - 8 * i));
        }
        p[12] = (byte) code;
        p[13] = (byte) ((end ? 0x80 : 0) | 10);
        p[14] = (byte) (duration >> 8);
        p[15] = (byte) duration;
        return p;
    }

    /** {code, duration, timestamp, end} of each telephone-event packet until an end packet, within the wait. */
    private static List<int[]> events(DatagramSocket rtp, int atLeast) throws Exception {
        List<int[]> out = new ArrayList<>();
        RtpPacket packet = new RtpPacket();
        byte[] buf = new byte[2048];
        rtp.setSoTimeout(200);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            DatagramPacket d = new DatagramPacket(buf, buf.length);
            try {
                rtp.receive(d);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (packet.parse(buf, 0, d.getLength()) != RtpPacket.ParseResult.OK || packet.payloadType() != EVENTS_48K) {
                continue;
            }
            int o = packet.payloadOffset();
            boolean end = (buf[o + 1] & 0x80) != 0;
            out.add(new int[] {buf[o], ((buf[o + 2] & 0xFF) << 8) | (buf[o + 3] & 0xFF), (int) packet.timestamp(), end ? 1 : 0});
            if (end && out.size() >= atLeast) {
                return out;
            }
        }
        throw new AssertionError("no whole telephone-event at payload type " + EVENTS_48K + " within " + WAIT + ": " + out.size());
    }
}
