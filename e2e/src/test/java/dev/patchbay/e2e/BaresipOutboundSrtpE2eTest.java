package dev.patchbay.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.patchbay.media.app.MediaConfig;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.PlaceCallResponse;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.proto.media.v1.Transport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls Patchbay places through a TLS trunk offer SDES-keyed SRTP; baresip, auto-answering with its
 * TLS listener, is the trunk. A trunk that answers without SRTP is refused, not downgraded.
 */
class BaresipOutboundSrtpE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aCallPlacedOverTlsIsSrtpBothWaysWithBaresipAnswering() throws Exception {
        Path var = Files.createTempDirectory("patchbay-var");
        int tlsPort = Ports.freeUdpAndTcp();
        try (MediaPlane plane = MediaPlane.start(config(var, tlsPort)); TestControl control = new TestControl(plane.grpcPort())) {
            Baresip.Setup setup = trunk(var, ";answermode=auto;mediaenc=srtp-mand");
            try (Baresip ua = Baresip.start(setup, 9)) {
                awaitReady(ua);
                PlaceCallResponse placed = control.rpc().placeCall(request(setup)).get(5, TimeUnit.SECONDS);
                ControlEvent answered = next(control, ua, ControlEvent.EventCase.ANSWERED, placed.getCallId());
                assertEquals("PCMU", answered.getAnswered().getCodec().getName(), answered.toString());
                TestControl.Bot bot = control.attach(placed.getCallId(), placed.getAttachToken(), AudioFormat.PCMU);
                Thread echo = Thread.ofVirtual().start(() -> echo(bot));
                Call call = plane.calls().active().stream().filter(c -> c.id().equals(placed.getCallId())).findFirst().orElseThrow();
                assertNotNull(call.negotiated().srtp(), "the TLS trunk's answer keyed SRTP");

                ControlEvent hangup = next(control, ua, ControlEvent.EventCase.HANGUP, placed.getCallId());
                echo.interrupt();
                RtpStats stats = hangup.getHangup().getStats();
                assertTrue(stats.getPacketsReceived() >= 100, "baresip's SRTP was authenticated and decrypted: " + stats);
                assertTrue(stats.getPacketsDropped() <= 2, "packets failing SRTP authentication: " + stats);
                assertTrue(stats.getPacketsSent() >= 100, stats.toString());
                assertTrue(ua.waitFor(WAIT), "baresip quits after -t 9; log:\n" + ua.log());
                String log = ua.log();
                assertTrue(log.contains("m=audio") && log.contains(" RTP/SAVP 0 8 101")
                        && log.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"), "our INVITE offered SDES SRTP: " + log);
                assertTrue(log.contains("SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)"), log);
                Path heard = ua.decoded();
                assertNotNull(heard, "baresip's dump of what it decrypted: " + log);
                assertTrue(BaresipTlsE2eTest.loudSamples(heard) > 8000,
                        "baresip heard its own tone echoed back through Patchbay's SRTP: " + heard);
            }
        }
    }

    /**
     * baresip without mediaenc refuses the RTP/SAVP offer with 488 itself; a 200 with plain RTP
     * (ended by Patchbay as NOT_ACCEPTABLE with BYE) is covered by SdesOfferTest, not on the wire.
     */
    @Test
    void aTlsTrunkWithoutSrtpGetsNoPlainRtpCall() throws Exception {
        Path var = Files.createTempDirectory("patchbay-var");
        int tlsPort = Ports.freeUdpAndTcp();
        try (MediaPlane plane = MediaPlane.start(config(var, tlsPort)); TestControl control = new TestControl(plane.grpcPort())) {
            Baresip.Setup setup = trunk(var, ";answermode=auto");
            try (Baresip ua = Baresip.start(setup, 6)) {
                awaitReady(ua);
                PlaceCallResponse placed = control.rpc().placeCall(request(setup)).get(5, TimeUnit.SECONDS);
                ControlEvent hangup = next(control, ua, ControlEvent.EventCase.HANGUP, placed.getCallId());
                String why = hangup.getHangup().toString();
                assertTrue(hangup.getHangup().getCause() == HangupCause.NOT_ACCEPTABLE
                        || hangup.getHangup().getCause() == HangupCause.REJECTED, why + "; baresip log:\n" + ua.log());
                assertEquals(488, hangup.getHangup().getSipStatus(), why + "; baresip log:\n" + ua.log());
                assertEquals(0, hangup.getHangup().getStats().getPacketsSent(), "no plain RTP left Patchbay: " + why);
            }
        }
    }

    private static PlaceCallRequest request(Baresip.Setup setup) {
        return PlaceCallRequest.newBuilder().setToUri("sip:bob@127.0.0.1").setFromUri("sip:+15557654321@patchbay.example")
                .setTrunkHost("127.0.0.1").setTrunkPort(setup.tlsPort()).setTransport(Transport.TLS).build();
    }

    /** baresip as the TLS trunk, presenting the certificate Patchbay's trust store holds (its own local pair). */
    private static Baresip.Setup trunk(Path var, String params) throws Exception {
        Await.until(() -> Files.exists(var.resolve("tls/sip.p12.password")), WAIT, "the local TLS pair");
        Path tls = var.resolve("tls");
        Path pair = Baresip.keyPairPem(tls.resolve("sip.p12"), tls.resolve("sip.p12.password"), tls.resolve("baresip.pem"));
        return Baresip.configure("bob", params, pair, pair, BaresipTlsE2eTest.sipPortWithTlsAbove());
    }

    private static void awaitReady(Baresip ua) throws InterruptedException {
        BaresipTlsE2eTest.await(ua, () -> ua.log().contains("baresip is ready"), "baresip to start");
    }

    private static ControlEvent next(TestControl control, Baresip ua, ControlEvent.EventCase kind, String callId)
            throws InterruptedException {
        try {
            return control.next(kind, callId, WAIT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; baresip log:\n" + ua.log(), e);
        }
    }

    /** The bot returns every frame it hears, like the built-in echo bot. */
    private static void echo(TestControl.Bot bot) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                CallerToBot m = bot.received.poll(1, TimeUnit.SECONDS);
                if (m != null && m.hasAudio()) {
                    bot.send.onNext(BotToCaller.newBuilder().setAudio(dev.patchbay.proto.media.v1.AudioFrame.newBuilder()
                            .setPayload(m.getAudio().getPayload())).build());
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            Thread.currentThread().interrupt(); // the call ended
        }
    }

    private static MediaConfig config(Path var, int tlsPort) throws Exception {
        int rtpBase = Ports.rtpBase(100);
        MediaConfig d = MediaConfig.defaults();
        return d.withSipHost("127.0.0.1").withSipPort(Ports.freeUdpAndTcp()).withSipThreads(4)
                .withRtpHost("127.0.0.1").withRtpPorts(rtpBase, rtpBase + 99).withMediaLoops(1)
                .withGrpcHost("127.0.0.1").withGrpcPort(0).withObservePort(0)
                .withRouteTimeout(Duration.ofSeconds(5)).withRingTimeout(Duration.ofSeconds(10)).withAckTimeout(Duration.ofSeconds(10))
                .withMaxCalls(200).withDrainTimeout(Duration.ofSeconds(2)).withTls(d.tls().withPort(tlsPort).withVar(var))
                .withRecordings(Files.createTempDirectory("patchbay-rec"));
    }
}
