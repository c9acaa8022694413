package dev.patchbay.media.app;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallHangup;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.RouteDecision;
import dev.patchbay.proto.media.v1.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real SIPp as a late-offer caller (scenario {@code sipp/uac_late_offer.xml}): an INVITE without
 * SDP, the answer in the ACK (PCMA at 30 ms), then SIPp's g711a.pcap speech. SIPp itself fails the call
 * unless the 200 OK offers PCMU, PCMA and telephone-event; the test is the control-plane and an echo bot.
 */
class LateOfferSippTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest(name = "over {1}")
    @CsvSource({"u1,UDP", "t1,TCP"})
    void sippsLateOfferCallCarriesItsSpeechToTheBotAndBack(String sippTransport, Transport transport) throws Exception {
        MediaConfig config = MediaPlaneFixture.config();
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config)) {
            MediaPlane plane = media.plane();
            TestControl control = media.control();
            Path dir = Sipp.workDir();
            try (InputStream scenario = LateOfferSippTest.class.getResourceAsStream("/sipp/uac_late_offer.xml")) {
                Files.copy(scenario, dir.resolve("uac_late_offer.xml"));
            }
            Process sipp = Sipp.start(dir, List.of("-sf", "uac_late_offer.xml", "-t", sippTransport,
                    "127.0.0.1:" + config.sipPort(), "-s", "echo", "-m", "1", "-d", "3000", "-i", "127.0.0.1",
                    "-p", Integer.toString(Ports.freeUdpAndTcp()), "-mp", Integer.toString(Ports.rtpBase(2))));

            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            assertEquals(transport, offered.getOffered().getTransport());
            assertEquals(0, offered.getOffered().getCodecsCount(), "no SDP, so no codecs yet");
            TestControl.Bot bot = control.attach(offered.getCallId(), offered.getOffered().getAttachToken(), AudioFormat.PCMA);
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));

            ControlEvent answered = control.next(ControlEvent.EventCase.ANSWERED, offered.getCallId(), WAIT);
            assertEquals("PCMA", answered.getAnswered().getCodec().getName(), "the codec the ACK's answer picked");
            assertEquals(30, answered.getAnswered().getPtimeMs());
            int frames = 0;
            while (true) {
                CallerToBot m = bot.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (m == null) {
                    throw new AssertionError("the bot heard nothing for " + WAIT + "; frames so far " + frames);
                }
                if (m.getMessageCase() == CallerToBot.MessageCase.ENDED) {
                    assertEquals(HangupCause.CALLER_BYE, m.getEnded().getCause());
                    break;
                }
                if (m.getMessageCase() == CallerToBot.MessageCase.AUDIO) {
                    assertEquals(160, m.getAudio().getPayload().size(), "30 ms packets are re-cut into 20 ms frames");
                    frames++;
                    bot.send.onNext(BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder().setPayload(m.getAudio().getPayload())).build());
                }
            }
            // 3 s of speech is 150 frames; the jitter buffer's start and the BYE's timing cost a few.
            assertTrue(frames > 120, "about 3 s of the pcap's speech reaches the bot, got " + frames + " frames");

            CallHangup hangup = control.next(ControlEvent.EventCase.HANGUP, offered.getCallId(), WAIT).getHangup();
            assertEquals(HangupCause.CALLER_BYE, hangup.getCause());
            assertTrue(hangup.getStats().getPacketsReceived() > 80, "30 ms packets for 3 s: " + hangup);
            assertTrue(hangup.getStats().getPacketsSent() > 120, "the echo went back to SIPp's media port: " + hangup);
            assertEquals(0, hangup.getStats().getPacketsDropped(), hangup.toString());

            Sipp.Result r = Sipp.await(sipp, dir);
            assertEquals(0, r.exitCode(), "SIPp accepted our offer and completed the call: " + r.output());
        }
    }
}
