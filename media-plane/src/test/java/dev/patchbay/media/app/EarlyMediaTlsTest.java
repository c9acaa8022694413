package dev.patchbay.media.app;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocket;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.Goertzel;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.EarlyMedia;
import dev.patchbay.proto.media.v1.Ring;
import dev.patchbay.proto.media.v1.Ringback;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Early media on a TLS call with SDES keys: the 183 carries our key, the ringback arrives as SRTP
 * that authenticates with it, and the 200 OK repeats the 183's SDP, key included, for the same stream.
 */
class EarlyMediaTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The next final response on the one buffered reader of the connection, skipping 1xx. */
    private static String finalResponse(InputStream in) throws java.io.IOException {
        String message = SipTlsTest.readMessage(in);
        while (message.matches("(?s)SIP/2\\.0 1\\d\\d.*")) {
            message = SipTlsTest.readMessage(in);
        }
        return message;
    }

    @Test
    void ringbackOnATlsCallIsSrtpUnderTheKeyThe183Answered() throws Exception {
        int tlsPort = Ports.freeUdpAndTcp();
        MediaConfig config = SipTlsTest.tlsConfig(Files.createTempDirectory("patchbay-var"), tlsPort);
        byte[] ourKey = new byte[30];
        new java.security.SecureRandom().nextBytes(ourKey);
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config);
             SSLSocket tls = SipTlsTest.connect(tlsPort);
             java.net.DatagramSocket rtp = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            TestControl control = media.control();
            String callId = UUID.randomUUID() + "@early-srtp";
            int local = tls.getLocalPort();
            String sdp = "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + rtp.getLocalPort() + " RTP/SAVP 0\r\n"
                    + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + Base64.getEncoder().encodeToString(ourKey) + "\r\n";
            SipTlsTest.send(tls, SipTlsTest.request("INVITE", tlsPort, local, callId, 1, null, "z9hG4bKes1", sdp));
            String id = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
            control.decide(RouteDecision.newBuilder().setCallId(id).setRing(Ring.newBuilder().setEarlyMedia(
                    EarlyMedia.newBuilder().setRingback(Ringback.getDefaultInstance()))));
            InputStream in = new BufferedInputStream(tls.getInputStream());
            String progress = SipTlsTest.readMessage(in);
            while (progress.startsWith("SIP/2.0 100")) {
                progress = SipTlsTest.readMessage(in);
            }
            assertTrue(progress.startsWith("SIP/2.0 183"), progress);
            Matcher key = Pattern.compile("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/=]+)").matcher(progress);
            assertTrue(key.find(), "the 183 answers with our key: " + progress);
            var in1 = dev.patchbay.media.srtp.SrtpContextAccess.context(Base64.getDecoder().decode(key.group(1)));

            // A second of early media: every packet authenticates, and the tone is the ringback's.
            byte[] buf = new byte[2048];
            short[] block = new short[640];
            rtp.setSoTimeout(2000);
            for (int i = 0; i < 50; i++) {
                java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                rtp.receive(p);
                assertEquals(182, p.getLength(), "SRTP: 172 bytes and the 10-byte tag");
                assertEquals(172, in1.unprotect(buf, 0, p.getLength()), "packet " + i + " authenticates");
                if (i >= 10 && i < 14) {
                    G711.decodeUlaw(buf, 12, 160, block, (i - 10) * 160);
                }
            }
            assertTrue(Goertzel.power(block, 440) > 5e-4 && Goertzel.power(block, 480) > 5e-4, "ringback in the decrypted audio");

            control.decide(RouteDecision.newBuilder().setCallId(id).setAnswer(Answer.getDefaultInstance()));
            String ok = finalResponse(in);
            assertTrue(ok.startsWith("SIP/2.0 200"), ok);
            assertEquals(progress.substring(progress.indexOf("\r\n\r\n")), ok.substring(ok.indexOf("\r\n\r\n")),
                    "the 200 OK repeats the 183's SDP, key and port included");
            String toTag = ok.replaceAll("(?s).*\r\nTo: [^\r]*;tag=([^\r;]+).*", "$1");
            SipTlsTest.send(tls, SipTlsTest.request("ACK", tlsPort, local, callId, 1, toTag, "z9hG4bKes2", null));
            control.next(ControlEvent.EventCase.ANSWERED, id, WAIT);
            java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
            rtp.receive(p);
            assertEquals(172, in1.unprotect(buf, 0, p.getLength()), "the answered call's SRTP goes on under the same key");
            SipTlsTest.send(tls, SipTlsTest.request("BYE", tlsPort, local, callId, 2, toTag, "z9hG4bKes3", null));
            assertTrue(finalResponse(in).startsWith("SIP/2.0 200"));
        }
    }
}
