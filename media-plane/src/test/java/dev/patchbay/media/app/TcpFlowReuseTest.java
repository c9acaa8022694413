package dev.patchbay.media.app;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests Patchbay sends in a TCP call go back over the connection the caller opened, even when
 * its Contact names a port nobody listens on (RingCX's rule, and NAT reality).
 */
class TcpFlowReuseTest {

    @Test
    void ourByeUsesTheCallersConnectionNotItsContact() throws Exception {
        MediaConfig config = MediaPlaneFixture.config();
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config);
             Socket tcp = new Socket("127.0.0.1", config.sipPort())) {
            TestControl control = media.control();
            tcp.setSoTimeout(5000);
            int local = tcp.getLocalPort();
            String sdp = "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
            String invite = "INVITE sip:echo@127.0.0.1:" + config.sipPort() + ";transport=tcp SIP/2.0\r\n"
                    + "Via: SIP/2.0/TCP 127.0.0.1:" + local + ";branch=z9hG4bKtcpr1\r\nMax-Forwards: 70\r\n"
                    + "From: <sip:c@127.0.0.1>;tag=f1\r\nTo: <sip:echo@127.0.0.1>\r\nCall-ID: tcpreuse@test\r\nCSeq: 1 INVITE\r\n"
                    + "Contact: <sip:c@127.0.0.1:5999;transport=tcp>\r\nContent-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
            tcp.getOutputStream().write(invite.getBytes(StandardCharsets.US_ASCII));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, Duration.ofSeconds(5));
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            InputStream in = tcp.getInputStream();
            byte[] buf = new byte[8192];
            StringBuilder all = new StringBuilder();
            long end = System.nanoTime() + 3_000_000_000L;
            while (!all.toString().contains("200 OK") && System.nanoTime() < end) {
                int n = in.read(buf);
                all.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            String toTag = all.toString().replaceAll("(?s).*\r\nTo: [^\r]*;tag=([^\r;]+).*", "$1");
            String ack = "ACK sip:patchbay@127.0.0.1:" + config.sipPort() + ";transport=tcp SIP/2.0\r\n"
                    + "Via: SIP/2.0/TCP 127.0.0.1:" + local + ";branch=z9hG4bKtcpr2\r\nMax-Forwards: 70\r\n"
                    + "From: <sip:c@127.0.0.1>;tag=f1\r\nTo: <sip:echo@127.0.0.1>;tag=" + toTag + "\r\nCall-ID: tcpreuse@test\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
            tcp.getOutputStream().write(ack.getBytes(StandardCharsets.US_ASCII));
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(offered.getCallId()).build()).get();
            all.setLength(0);
            try {
                end = System.nanoTime() + 3_000_000_000L;
                while (!all.toString().contains("BYE ") && System.nanoTime() < end) {
                    int n = in.read(buf);
                    if (n < 0) break;
                    all.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                }
            } catch (java.net.SocketTimeoutException e) {
                // none
            }
            assertTrue(all.toString().startsWith("BYE sip:c@127.0.0.1:5999"), "the BYE came back on our connection: " + all);
        }
    }
}
