package dev.patchbay.media.app;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.UUID;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import dev.patchbay.media.sip.SourceGuard;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.RouteDecision;
import dev.patchbay.proto.media.v1.Transport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIP over TLS on a real socket: the local-mode self-signed certificate is generated, the handshake
 * succeeds with TLS 1.3 or 1.2, and a whole call runs over the one connection the caller opened.
 */
class SipTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    static MediaConfig tlsConfig(Path var, int tlsPort) {
        MediaConfig base = MediaPlaneFixture.config();
        return base.withTls(base.tls().withPort(tlsPort).withVar(var));
    }

    @Test
    void aCallRunsOverTheCallersTlsConnection() throws Exception {
        Path var = Files.createTempDirectory("patchbay-var");
        int tlsPort = Ports.freeUdpAndTcp();
        MediaConfig config = tlsConfig(var, tlsPort);
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config);
             SSLSocket tls = connect(tlsPort)) {
            TestControl control = media.control();
            assertTrue(Files.exists(var.resolve("tls/sip.p12")), "local mode generated the self-signed pair");
            assertTrue(tls.getSession().getProtocol().matches("TLSv1\\.[23]"), tls.getSession().getProtocol());

            String callId = UUID.randomUUID() + "@tls";
            int local = tls.getLocalPort();
            String sdp = "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
            send(tls, request("INVITE", tlsPort, local, callId, 1, null, "z9hG4bKtls1", sdp));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            assertEquals(Transport.TLS, offered.getOffered().getTransport());
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            String ok = finalResponse(tls);
            assertTrue(ok.startsWith("SIP/2.0 200"), ok);
            assertTrue(ok.contains(":" + tlsPort + ";transport=tls>"), "Contact keeps the caller on our TLS port: " + ok);
            String toTag = ok.replaceAll("(?s).*\r\nTo: [^\r]*;tag=([^\r;]+).*", "$1");
            send(tls, request("ACK", tlsPort, local, callId, 1, toTag, "z9hG4bKtls2", null));
            send(tls, request("BYE", tlsPort, local, callId, 2, toTag, "z9hG4bKtls3", null));
            assertTrue(finalResponse(tls).startsWith("SIP/2.0 200"), "BYE answered on the same connection");
            assertEquals(HangupCause.CALLER_BYE, control.next(ControlEvent.EventCase.HANGUP, WAIT).getHangup().getCause());
        }
    }

    @Test
    void srtpKeysOfferedOverTlsEncryptTheAudioBothWays() throws Exception {
        int tlsPort = Ports.freeUdpAndTcp();
        MediaConfig config = tlsConfig(Files.createTempDirectory("patchbay-var"), tlsPort);
        byte[] ourKey = new byte[30];
        new java.security.SecureRandom().nextBytes(ourKey);
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config);
             SSLSocket tls = connect(tlsPort);
             java.net.DatagramSocket rtp = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            TestControl control = media.control();
            String callId = UUID.randomUUID() + "@srtp";
            int local = tls.getLocalPort();
            String sdp = "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + rtp.getLocalPort() + " RTP/SAVP 0\r\n"
                    + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + java.util.Base64.getEncoder().encodeToString(ourKey) + "\r\n";
            send(tls, request("INVITE", tlsPort, local, callId, 1, null, "z9hG4bKsrtp1", sdp));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            TestControl.Bot bot = control.attach(offered.getCallId(), offered.getOffered().getAttachToken(),
                    dev.patchbay.proto.media.v1.AudioFormat.PCMU);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            String ok = finalResponse(tls);
            assertTrue(ok.contains("RTP/SAVP 0"), ok);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/=]+)")
                    .matcher(ok);
            assertTrue(m.find(), "the answer carries our own key: " + ok);
            byte[] theirKey = java.util.Base64.getDecoder().decode(m.group(1));
            int mediaPort = Integer.parseInt(ok.replaceAll("(?s).*m=audio (\\d+) .*", "$1"));
            String toTag = ok.replaceAll("(?s).*\r\nTo: [^\r]*;tag=([^\r;]+).*", "$1");
            send(tls, request("ACK", tlsPort, local, callId, 1, toTag, "z9hG4bKsrtp2", null));
            bot.next(dev.patchbay.proto.media.v1.CallerToBot.MessageCase.ATTACHED, WAIT);

            var out = dev.patchbay.media.srtp.SrtpContextAccess.context(ourKey);
            var in = dev.patchbay.media.srtp.SrtpContextAccess.context(theirKey);
            byte[] packet = new byte[172 + 10];
            packet[0] = (byte) 0x80;
            packet[11] = 0x77;
            java.util.Arrays.fill(packet, 12, 172, (byte) 0x42);
            int len = out.protect(packet, 0, 172);
            rtp.send(new java.net.DatagramPacket(packet, len, new java.net.InetSocketAddress("127.0.0.1", mediaPort)));
            var heard = bot.next(dev.patchbay.proto.media.v1.CallerToBot.MessageCase.AUDIO, WAIT).getAudio().getPayload().toByteArray();
            byte[] expected = new byte[160];
            java.util.Arrays.fill(expected, (byte) 0x42);
            assertTrue(java.util.Arrays.equals(expected, heard), "the bot hears the decrypted caller audio");

            byte[] buf = new byte[2048];
            java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
            rtp.setSoTimeout(2000);
            rtp.receive(p);
            assertEquals(182, p.getLength(), "Patchbay's packets carry the 10-byte tag");
            assertEquals(172, in.unprotect(buf, 0, p.getLength()), "and authenticate with the key it answered");
            send(tls, request("BYE", tlsPort, local, callId, 2, toTag, "z9hG4bKsrtp3", null));
            assertTrue(finalResponse(tls).startsWith("SIP/2.0 200"));
        }
    }

    /**
     * Late offer over TLS: the 200 OK to an INVITE without SDP offers RTP/SAVP with our SDES key, the
     * ACK answers with the caller's key for our tag, and SRTP runs both ways with those two keys.
     */
    @Test
    void aLateOfferOverTlsOffersSdesAndTheAckAnswerKeysTheSrtp() throws Exception {
        int tlsPort = Ports.freeUdpAndTcp();
        MediaConfig config = tlsConfig(Files.createTempDirectory("patchbay-var"), tlsPort);
        byte[] callerKey = new byte[30];
        new java.security.SecureRandom().nextBytes(callerKey);
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config);
             SSLSocket tls = connect(tlsPort);
             java.net.DatagramSocket rtp = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            TestControl control = media.control();
            String callId = UUID.randomUUID() + "@late-srtp";
            int local = tls.getLocalPort();
            InputStream in = new BufferedInputStream(tls.getInputStream());
            send(tls, request("INVITE", tlsPort, local, callId, 1, null, "z9hG4bKlate1", null));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            TestControl.Bot bot = control.attach(offered.getCallId(), offered.getOffered().getAttachToken(),
                    dev.patchbay.proto.media.v1.AudioFormat.PCMU);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            String ok = finalResponse(in);
            assertTrue(ok.startsWith("SIP/2.0 200") && ok.contains(" RTP/SAVP 0 8 101\r\n"), "an SRTP offer of every codec: " + ok);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/=]+)")
                    .matcher(ok);
            assertTrue(m.find(), "the offer carries our SDES key: " + ok);
            byte[] patchbayKey = java.util.Base64.getDecoder().decode(m.group(1));
            int mediaPort = Integer.parseInt(ok.replaceAll("(?s).*m=audio (\\d+) .*", "$1"));
            String toTag = ok.replaceAll("(?s).*\r\nTo: [^\r]*;tag=([^\r;]+).*", "$1");
            String answer = "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + rtp.getLocalPort() + " RTP/SAVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
                    + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + java.util.Base64.getEncoder().encodeToString(callerKey) + "\r\n";
            send(tls, request("ACK", tlsPort, local, callId, 1, toTag, "z9hG4bKlate2", answer));
            bot.next(dev.patchbay.proto.media.v1.CallerToBot.MessageCase.ATTACHED, WAIT);

            var out = dev.patchbay.media.srtp.SrtpContextAccess.context(callerKey);
            var back = dev.patchbay.media.srtp.SrtpContextAccess.context(patchbayKey);
            byte[] packet = new byte[172 + 10];
            packet[0] = (byte) 0x80;
            packet[11] = 0x78;
            java.util.Arrays.fill(packet, 12, 172, (byte) 0x42);
            int len = out.protect(packet, 0, 172);
            rtp.send(new java.net.DatagramPacket(packet, len, new java.net.InetSocketAddress("127.0.0.1", mediaPort)));
            var heard = bot.next(dev.patchbay.proto.media.v1.CallerToBot.MessageCase.AUDIO, WAIT).getAudio().getPayload().toByteArray();
            byte[] expected = new byte[160];
            java.util.Arrays.fill(expected, (byte) 0x42);
            assertTrue(java.util.Arrays.equals(expected, heard), "the bot hears the caller's audio, decrypted with the ACK's key");
            byte[] buf = new byte[2048];
            java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
            rtp.setSoTimeout(2000);
            rtp.receive(p);
            assertEquals(172, back.unprotect(buf, 0, p.getLength()), "Patchbay encrypts with the key it offered");
            send(tls, request("BYE", tlsPort, local, callId, 2, toTag, "z9hG4bKlate3", null));
            assertTrue(finalResponse(in).startsWith("SIP/2.0 200"));
        }
    }

    /** Over TLS, an answer without SRTP to our RTP/SAVP offer is no fallback to clear media: BYE with 488. */
    @Test
    void aLateOfferOverTlsAnsweredWithPlainRtpIsHungUp() throws Exception {
        int tlsPort = Ports.freeUdpAndTcp();
        MediaConfig config = tlsConfig(Files.createTempDirectory("patchbay-var"), tlsPort);
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config);
             SSLSocket tls = connect(tlsPort)) {
            TestControl control = media.control();
            String callId = UUID.randomUUID() + "@late-plain";
            int local = tls.getLocalPort();
            InputStream in = new BufferedInputStream(tls.getInputStream());
            send(tls, request("INVITE", tlsPort, local, callId, 1, null, "z9hG4bKplain1", null));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            String ok = finalResponse(in);
            String toTag = ok.replaceAll("(?s).*\r\nTo: [^\r]*;tag=([^\r;]+).*", "$1");
            String answer = "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
            send(tls, request("ACK", tlsPort, local, callId, 1, toTag, "z9hG4bKplain2", answer));
            String bye = readMessage(in);
            while (bye.startsWith("SIP/2.0 200")) {
                bye = readMessage(in); // a 200 OK retransmitted before the ACK arrived
            }
            assertTrue(bye.startsWith("BYE "), bye);
            assertTrue(bye.matches("(?s).*\r\nReason: SIP;cause=488;text=\"[^\r]*does not fall back to unencrypted media.*"), bye);
            var hangup = control.next(ControlEvent.EventCase.HANGUP, WAIT).getHangup();
            assertEquals(HangupCause.NOT_ACCEPTABLE, hangup.getCause());
            assertEquals(488, hangup.getSipStatus());
        }
    }

    @Test
    void aTlsConnectionOverThePerSourceCapIsResetBeforeItsHandshake() throws Exception {
        Path var = Files.createTempDirectory("patchbay-var");
        int tlsPort = Ports.freeUdpAndTcp();
        MediaConfig base = tlsConfig(var, tlsPort);
        MediaConfig config = base.withSipGuard(base.sipGuard().withConnections(new SourceGuard.Connections(10, 1, Duration.ofSeconds(30))));
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config)) {
            SSLSocket first = connect(tlsPort);
            assertThrows(IOException.class, () -> connect(tlsPort).close(), "a second TLS connection from the source is reset");
            assertEquals(1, media.plane().sip().refusedConnections());
            first.close();
            Await.until(() -> media.plane().sip().openConnections() == 0, WAIT, "the closed connection to be forgotten");
            connect(tlsPort).close(); // the slot is free again
        }
    }

    static SSLSocket connect(int port) throws Exception {
        TrustManager[] trustSelfSigned = {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // The test trusts the certificate local mode just generated.
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }};
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustSelfSigned, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.startHandshake();
        return socket;
    }

    static String request(String method, int port, int local, String callId, int cseq, String toTag, String branch, String sdp) {
        String uri = "sip:echo@127.0.0.1:" + port + ";transport=tls";
        String body = sdp == null ? "" : sdp;
        return method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:" + local + ";branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:caller@127.0.0.1>;tag=tlsfrom\r\n"
                + "To: <sip:echo@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Contact: <sip:caller@127.0.0.1:" + local + ";transport=tls>\r\n"
                + (sdp == null ? "" : "Content-Type: application/sdp\r\n")
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    static void send(SSLSocket socket, String message) throws IOException {
        socket.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Reads messages off the stream until a final (non-1xx) response. */
    private static String finalResponse(SSLSocket socket) throws IOException {
        return finalResponse(new BufferedInputStream(socket.getInputStream()));
    }

    /** The same on one buffered stream, so nothing read ahead is lost between messages. */
    private static String finalResponse(InputStream in) throws IOException {
        while (true) {
            String message = readMessage(in);
            if (!message.matches("(?s)SIP/2\\.0 1\\d\\d.*")) {
                return message;
            }
        }
    }

    static String readMessage(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (head.size() == 0 && (b == '\r' || b == '\n')) {
                continue; // keep-alive CRLFs between messages
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headers = head.toString(StandardCharsets.UTF_8);
        int length = Integer.parseInt(headers.replaceAll("(?s).*\r\nContent-Length: *(\\d+).*", "$1"));
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
