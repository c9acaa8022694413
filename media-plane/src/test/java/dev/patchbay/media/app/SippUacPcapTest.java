package dev.patchbay.media.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIPp's stock uac_pcap call: PCMA at 30 ms ptime from a real capture, then an RFC 4733 "1".
 * The test is the control-plane and an echoing bot.
 */
class SippUacPcapTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void pcapCallReachesTheBotInTwentyMsFramesWithItsDigit() throws Exception {
        MediaConfig config = MediaPlaneFixture.config();
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config)) {
            MediaPlane plane = media.plane();
            TestControl control = media.control();
            Path dir = Sipp.workDir();
            Process sipp = Sipp.start(dir, List.of("-sn", "uac_pcap", "127.0.0.1:" + config.sipPort(), "-s", "echo",
                    "-m", "1", "-i", "127.0.0.1", "-p", Integer.toString(Ports.freeUdpAndTcp()),
                    "-mp", Integer.toString(Ports.rtpBase(2))));

            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            assertEquals("echo", offered.getOffered().getRequestUser());
            TestControl.Bot bot = control.attach(offered.getCallId(), offered.getOffered().getAttachToken(), AudioFormat.PCMA);
            // The attach and the decision travel on different streams: answer only once the attach is
            // held, or the caller's first frame can go out before the bot is there to take it.
            MediaPlaneSipTest.awaitTrue(() -> plane.calls().byId(offered.getCallId()).map(c -> c.attachments() > 0).orElse(false),
                    "the bot's attach");
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            assertEquals("PCMA", bot.next(CallerToBot.MessageCase.ATTACHED, WAIT).getAttached().getCallCodec().getName());

            List<Character> digits = new ArrayList<>();
            int frames = 0;
            long lastSequence = -1;
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
                    AudioFrame f = m.getAudio();
                    assertEquals(160, f.getPayload().size(), "30 ms packets are re-cut into 20 ms frames");
                    assertEquals(lastSequence + 1, f.getSequence());
                    lastSequence = f.getSequence();
                    frames++;
                    bot.send.onNext(BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder().setPayload(f.getPayload())).build());
                }
                if (m.getMessageCase() == CallerToBot.MessageCase.DTMF) {
                    assertEquals(DtmfSource.RFC4733, m.getDtmf().getSource());
                    digits.add(m.getDtmf().getDigit().charAt(0));
                }
            }
            assertEquals(List.of('1'), digits, "the digit is reported once, despite three end packets");
            assertTrue(frames > 300, "about 7 s of audio arrives as 20 ms frames, got " + frames);

            ControlEvent dtmf = control.next(ControlEvent.EventCase.DTMF, WAIT);
            assertEquals("1", dtmf.getDtmf().getDigit());
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, WAIT);
            assertEquals(HangupCause.CALLER_BYE, hangup.getHangup().getCause());
            assertTrue(hangup.getHangup().getStats().getPacketsSent() > 300, hangup.toString());
            assertEquals(0, hangup.getHangup().getStats().getPacketsDropped(), hangup.toString());

            Sipp.Result r = Sipp.await(sipp, dir);
            assertEquals(0, r.exitCode(), r.output());
        }
    }

    @Test
    void aCallOverTcpIsOfferedAsTcpAndCompletes() throws Exception {
        MediaConfig config = MediaPlaneFixture.config();
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config)) {
            MediaPlane plane = media.plane();
            TestControl control = media.control();
            Path dir = Sipp.workDir();
            Process sipp = Sipp.start(dir, List.of("-sn", "uac", "-t", "t1", "127.0.0.1:" + config.sipPort(), "-s", "tcp-user",
                    "-m", "1", "-d", "500", "-i", "127.0.0.1", "-p", Integer.toString(Ports.freeUdpAndTcp()),
                    "-mp", Integer.toString(Ports.rtpBase(2))));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            assertEquals(dev.patchbay.proto.media.v1.Transport.TCP, offered.getOffered().getTransport());
            control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
            ControlEvent hangup = control.next(ControlEvent.EventCase.HANGUP, WAIT);
            assertEquals(HangupCause.CALLER_BYE, hangup.getHangup().getCause());
            Sipp.Result r = Sipp.await(sipp, dir);
            assertEquals(0, r.exitCode(), r.output());
        }
    }
}
