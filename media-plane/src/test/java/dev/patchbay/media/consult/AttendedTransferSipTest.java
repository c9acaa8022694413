package dev.patchbay.media.consult;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.media.testutil.TonePeer;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.CancelConsultRequest;
import dev.patchbay.proto.media.v1.CompleteConsultRequest;
import dev.patchbay.proto.media.v1.CompleteConsultResponse;
import dev.patchbay.proto.media.v1.ConsultCompletion;
import dev.patchbay.proto.media.v1.ConsultProgress;
import dev.patchbay.proto.media.v1.ConsultRequest;
import dev.patchbay.proto.media.v1.ConsultResponse;
import dev.patchbay.proto.media.v1.ConsultStep;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.Test;

import static dev.patchbay.media.consult.ConsultSipRig.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attended transfer against real SIPp callers and a real SIPp target, with the test's own RTP on each
 * side (src/test/resources/sipp/uac-consult-*.xml, uas-consult-target.xml): completion by media bridge
 * and by REFER with Replaces, and a cancel that returns the caller to the bot.
 */
class AttendedTransferSipTest extends SharedMediaPlane {

    /** A 10000-amplitude tone gives about 0.023; a missing one is well under this. */
    private static final double PRESENT = 0.005;
    private static final double ABSENT = 0.0005;

    /** One call answered, its bot attached, and a consult leg answered by the SIPp target. */
    private record Consulting(String callId, TestControl.Bot bot, ConsultResponse consult, TestControl.Bot consultBot,
                              Process caller, Path callerDir, Process target, Path targetDir) {
    }

    private Consulting consult(ConsultSipRig.Seen seen, TonePeer callerRtp, TonePeer targetRtp, String callerScenario,
                               byte[] holdWav) throws Exception {
        return consult(seen, callerRtp, targetRtp, ConsultSipRig.Party.of(callerScenario),
                ConsultSipRig.Party.of("uas-consult-target.xml"), holdWav);
    }

    private Consulting consult(ConsultSipRig.Seen seen, TonePeer callerRtp, TonePeer targetRtp, ConsultSipRig.Party callerParty,
                               ConsultSipRig.Party targetParty, byte[] holdWav) throws Exception {
        Path targetDir = Sipp.workDir();
        int targetPort = Ports.freeUdpAndTcp();
        Process target = ConsultSipRig.target(targetDir, targetParty, targetPort, targetRtp.port());
        Path callerDir = Sipp.workDir();
        Process caller = ConsultSipRig.caller(callerDir, callerParty, plane.sipPort(), callerRtp.port());
        ControlEvent offered = seen.await("an offer", e -> e.getEventCase() == ControlEvent.EventCase.OFFERED);
        String callId = offered.getCallId();
        control.decide(RouteDecision.newBuilder().setCallId(callId).setAnswer(Answer.getDefaultInstance()));
        seen.event(ControlEvent.EventCase.ANSWERED, callId);
        TestControl.Bot bot = control.attach(callId, offered.getOffered().getAttachToken(), AudioFormat.L16_8K);
        bot.next(CallerToBot.MessageCase.ATTACHED, WAIT);

        ConsultRequest.Builder request = ConsultRequest.newBuilder().setCallId(callId)
                .setTargetUri("sip:agent@127.0.0.1:" + targetPort);
        if (holdWav != null) {
            request.setHoldWav(ByteString.copyFrom(holdWav));
        }
        ConsultResponse consult = control.rpc().consult(request.build()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, consult.getSipStatus(), consult.getReason());
        ConsultProgress started = seen.step(callId, ConsultStep.CONSULT_STARTED);
        assertEquals(consult.getConsultCallId(), started.getConsultCallId(), "the caller's record links the consult leg");
        seen.step(callId, ConsultStep.CONSULT_ANSWERED);
        seen.event(ControlEvent.EventCase.ANSWERED, consult.getConsultCallId()); // the leg reports as a call of its own

        TestControl.Bot consultBot = control.attach(consult.getConsultCallId(), consult.getAttachToken(), AudioFormat.L16_8K);
        consultBot.next(CallerToBot.MessageCase.ATTACHED, WAIT);
        // The bot talks with the target on the consult leg's own stream, and hears it there.
        ConsultSipRig.botTone(consultBot, 1200, 100);
        Await.until(() -> targetRtp.recentPower(1200, 10) > PRESENT, WAIT, "the consult bot's 1200 Hz at the target");
        return new Consulting(callId, bot, consult, consultBot, caller, callerDir, target, targetDir);
    }

    @Test
    void aCallerWithoutReplacesIsBridgedToTheTargetAndAudioFlowsBothWays() throws Exception {
        ConsultSipRig.Seen seen = new ConsultSipRig.Seen(control);
        try (TonePeer callerRtp = new TonePeer(); TonePeer targetRtp = new TonePeer()) {
            Consulting c = consult(seen, callerRtp, targetRtp, "uac-consult-plain.xml", ConsultSipRig.wav(400, 1000));
            // Held: the caller hears the hold music, not the target.
            Await.until(() -> callerRtp.recentPower(400, 10) > PRESENT, WAIT, "hold music at the caller");
            callerRtp.startTone(1000);
            targetRtp.startTone(600);
            Await.until(() -> targetRtp.recentPower(1200, 5) < ABSENT, WAIT, "the consult bot's words to end");
            Await.holds(() -> callerRtp.recentPower(600, 10) < ABSENT && targetRtp.recentPower(1000, 10) < ABSENT,
                    Duration.ofMillis(400), "caller and target apart while consulting");

            CompleteConsultResponse done = control.rpc().completeConsult(CompleteConsultRequest.newBuilder()
                    .setCallId(c.callId()).build()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(ConsultCompletion.MEDIA_BRIDGE, done.getMethod(), done.getReason());
            assertTrue(done.getCompleted());
            assertEquals(0, done.getReferStatus(), "no REFER to a caller without replaces");
            for (TestControl.Bot bot : new TestControl.Bot[] {c.bot(), c.consultBot()}) {
                assertEquals(HangupCause.TRANSFERRED, bot.next(CallerToBot.MessageCase.ENDED, WAIT).getEnded().getCause());
            }
            ConsultProgress completed = seen.step(c.callId(), ConsultStep.CONSULT_COMPLETED);
            assertEquals(ConsultCompletion.MEDIA_BRIDGE, completed.getMethod());

            assertBridgedThenHungUp(seen, c, callerRtp, targetRtp);
        }
    }

    @Test
    void aCallerThatDeclinesTheReferIsBridgedInstead() throws Exception {
        ConsultSipRig.Seen seen = new ConsultSipRig.Seen(control);
        try (TonePeer callerRtp = new TonePeer(); TonePeer targetRtp = new TonePeer()) {
            Consulting c = consult(seen, callerRtp, targetRtp, "uac-consult-refer-declined.xml", ConsultSipRig.wav(400, 1000));
            callerRtp.startTone(1000);
            targetRtp.startTone(600);
            CompleteConsultResponse done = control.rpc().completeConsult(CompleteConsultRequest.newBuilder()
                    .setCallId(c.callId()).build()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(ConsultCompletion.MEDIA_BRIDGE, done.getMethod(), done.getReason());
            assertTrue(done.getCompleted());
            assertEquals(603, done.getReferStatus(), "the REFER was tried first");
            assertTrue(done.getReason().contains("refused the REFER with 603"), done.getReason());
            assertEquals(603, seen.step(c.callId(), ConsultStep.CONSULT_COMPLETED).getSipStatus());
            assertBridgedThenHungUp(seen, c, callerRtp, targetRtp);
        }
    }

    /** The caller hears the target's 600 Hz and no hold music, the target the caller's 1000 Hz; then the caller is hung up. */
    private void assertBridgedThenHungUp(ConsultSipRig.Seen seen, Consulting c, TonePeer callerRtp, TonePeer targetRtp)
            throws Exception {
        Await.until(() -> callerRtp.recentPower(400, 10) < ABSENT, WAIT, "the hold music to stop");
        Await.until(() -> callerRtp.recentPower(600, 10) > PRESENT, WAIT, "the target's 600 Hz at the caller");
        Await.until(() -> targetRtp.recentPower(1000, 10) > PRESENT, WAIT, "the caller's 1000 Hz at the target");
        Await.holds(() -> callerRtp.recentPower(600, 10) > PRESENT && targetRtp.recentPower(1000, 10) > PRESENT
                && callerRtp.recentPower(400, 10) < ABSENT, Duration.ofSeconds(1), "a second of bridged audio both ways");

        control.rpc().hangup(HangupRequest.newBuilder().setCallId(c.callId()).build()).get(5, TimeUnit.SECONDS);
        assertEquals(HangupCause.BOT_HANGUP, seen.event(ControlEvent.EventCase.HANGUP, c.callId()).getHangup().getCause());
        assertEquals(HangupCause.BRIDGE_ENDED, seen.event(ControlEvent.EventCase.HANGUP, c.consult().getConsultCallId())
                .getHangup().getCause());
        assertSippPassed(c.caller(), c.callerDir(), "caller");
        assertSippPassed(c.target(), c.targetDir(), "target");
    }

    @Test
    void aCallerThatTakesReplacesIsReferredToTheTargetsDialog() throws Exception {
        ConsultSipRig.Seen seen = new ConsultSipRig.Seen(control);
        try (TonePeer callerRtp = new TonePeer(); TonePeer targetRtp = new TonePeer()) {
            Consulting c = consult(seen, callerRtp, targetRtp, "uac-consult-replaces.xml", null);
            CompleteConsultResponse done = control.rpc().completeConsult(CompleteConsultRequest.newBuilder()
                    .setCallId(c.callId()).build()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(ConsultCompletion.REFER_REPLACES, done.getMethod(), done.getReason());
            assertTrue(done.getCompleted());
            assertEquals(200, done.getReferStatus());
            assertEquals(ConsultCompletion.REFER_REPLACES, seen.step(c.callId(), ConsultStep.CONSULT_COMPLETED).getMethod());
            assertEquals(HangupCause.TRANSFERRED, seen.event(ControlEvent.EventCase.HANGUP, c.callId()).getHangup().getCause());
            assertEquals(HangupCause.TRANSFERRED, c.consultBot().next(CallerToBot.MessageCase.ENDED, WAIT).getEnded().getCause());
            // This target never gets the caller's INVITE with Replaces, so after the grace Patchbay ends the dialog itself.
            ControlEvent legEnd = seen.event(ControlEvent.EventCase.HANGUP, c.consult().getConsultCallId());
            assertEquals(HangupCause.TRANSFERRED, legEnd.getHangup().getCause());
            assertSippPassed(c.caller(), c.callerDir(), "caller");
            assertSippPassed(c.target(), c.targetDir(), "target");

            // The Refer-To names the target's contact and, as the target sees it, the consult dialog.
            String targetLog = Files.readString(c.targetDir().resolve("messages.log"));
            String consultCallId = first(targetLog, "(?m)^Call-ID: *(\\S+)");
            String ourTag = first(targetLog, "(?m)^From: [^\\r\\n]*;tag=([^;\\s>]+)");
            String targetTag = first(targetLog, "(?m)^To: [^\\r\\n]*;tag=([^;\\s>]+)");
            String referTo = first(Files.readString(c.callerDir().resolve("messages.log")), "(?m)^Refer-To: *(\\S+)");
            String expected = "Replaces=" + java.net.URLEncoder.encode(consultCallId + ";to-tag=" + targetTag + ";from-tag=" + ourTag,
                    java.nio.charset.StandardCharsets.UTF_8) + ">";
            assertTrue(referTo.startsWith("<sip:agent@127.0.0.1:") && referTo.endsWith(expected),
                    "Refer-To " + referTo + " should end with " + expected);
        }
    }

    /**
     * RFC 3891 end to end: the SIPp caller follows the REFER with an INVITE carrying its Replaces to the
     * target; the SIPp target answers it only if the Replaces names its consult dialog with Patchbay exactly
     * (else 481, and the transfer fails), then ends that dialog with its own BYE. Patchbay's legs are then
     * gone and the caller and the target talk to each other directly.
     */
    @Test
    void aCallerThatFollowsTheReferReplacesTheConsultDialogAndTalksToTheTargetDirectly() throws Exception {
        ConsultSipRig.Seen seen = new ConsultSipRig.Seen(control);
        try (TonePeer callerRtp = new TonePeer(); TonePeer targetRtp = new TonePeer();
             TonePeer callerDirect = new TonePeer(); TonePeer targetDirect = new TonePeer()) {
            // -d: how long the caller talks with the target before hanging up on it (its one plain <pause/>).
            ConsultSipRig.Party caller = new ConsultSipRig.Party("uac-consult-replacing.xml", List.of("-m", "1", "-d", "6000",
                    "-key", "direct_rtp_port", Integer.toString(callerDirect.port())));
            ConsultSipRig.Party target = new ConsultSipRig.Party("uas-consult-replaced.xml", List.of("-m", "2",
                    "-key", "direct_rtp_port", Integer.toString(targetDirect.port())));
            Consulting c = consult(seen, callerRtp, targetRtp, caller, target, null);
            String leg = c.consult().getConsultCallId();

            CompleteConsultResponse done = control.rpc().completeConsult(CompleteConsultRequest.newBuilder()
                    .setCallId(c.callId()).build()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(ConsultCompletion.REFER_REPLACES, done.getMethod(), done.getReason());
            assertTrue(done.getCompleted(), done.getReason());
            assertEquals(200, done.getReferStatus(), "the target's answer to the INVITE with Replaces, as the NOTIFY said");
            assertEquals(ConsultCompletion.REFER_REPLACES, seen.step(c.callId(), ConsultStep.CONSULT_COMPLETED).getMethod());
            assertEquals(HangupCause.TRANSFERRED, seen.event(ControlEvent.EventCase.HANGUP, c.callId()).getHangup().getCause());
            // The target ended the replaced dialog itself, well before Patchbay's own BYE would have.
            assertEquals(HangupCause.CALLER_BYE, seen.event(ControlEvent.EventCase.HANGUP, leg).getHangup().getCause(),
                    "the target's BYE ends the consult leg");
            c.consultBot().next(CallerToBot.MessageCase.ENDED, WAIT);

            // Patchbay is out of the media path: no more packets to either party's old RTP port...
            int toCaller = callerRtp.received();
            int toTarget = targetRtp.received();
            Await.holds(() -> callerRtp.received() - toCaller <= 2 && targetRtp.received() - toTarget <= 2,
                    Duration.ofMillis(600), "no RTP from Patchbay once both legs are gone");
            // ...and the two talk on the ports their INVITE with Replaces and its 200 named.
            callerDirect.startTone(1000, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetDirect.port()));
            targetDirect.startTone(600, new InetSocketAddress(InetAddress.getLoopbackAddress(), callerDirect.port()));
            Await.until(() -> callerDirect.recentPower(600, 10) > PRESENT && targetDirect.recentPower(1000, 10) > PRESENT,
                    WAIT, "the caller and the target to hear each other directly");
            assertSippPassed(c.caller(), c.callerDir(), "caller");
            assertSippPassed(c.target(), c.targetDir(), "target");
            String targetLog = Files.readString(c.targetDir().resolve("messages.log"));
            assertTrue(targetLog.contains("m=audio " + callerDirect.port() + " "), "the INVITE with Replaces reached the target");
        }
    }

    @Test
    void cancelHangsUpTheTargetAndReturnsTheCallerToTheBot() throws Exception {
        ConsultSipRig.Seen seen = new ConsultSipRig.Seen(control);
        try (TonePeer callerRtp = new TonePeer(); TonePeer targetRtp = new TonePeer()) {
            Consulting c = consult(seen, callerRtp, targetRtp, "uac-consult-plain.xml", null);
            // Held in silence: the caller's bot talking now does not reach the caller.
            ConsultSipRig.botTone(c.bot(), 800, 50);
            Await.holds(() -> callerRtp.recentPower(800, 10) < ABSENT, Duration.ofMillis(600), "the held caller hears no bot");
            String leg = control.rpc().cancelConsult(CancelConsultRequest.newBuilder().setCallId(c.callId()).build())
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS).getConsultCallId();
            assertEquals(c.consult().getConsultCallId(), leg);
            seen.step(c.callId(), ConsultStep.CONSULT_CANCELLED);
            assertEquals(HangupCause.BOT_HANGUP, seen.event(ControlEvent.EventCase.HANGUP, leg).getHangup().getCause());
            assertEquals(HangupCause.BOT_HANGUP, c.consultBot().next(CallerToBot.MessageCase.ENDED, WAIT).getEnded().getCause());
            assertSippPassed(c.target(), c.targetDir(), "target");

            ConsultSipRig.botTone(c.bot(), 800, 100);
            Await.until(() -> callerRtp.recentPower(800, 10) > PRESENT, WAIT, "the bot's 800 Hz at the caller again");
            assertFalse(c.bot().completed, "the caller's bot stream stays open");
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(c.callId()).build()).get(5, TimeUnit.SECONDS);
            assertEquals(HangupCause.BOT_HANGUP, seen.event(ControlEvent.EventCase.HANGUP, c.callId()).getHangup().getCause());
            assertSippPassed(c.caller(), c.callerDir(), "caller");
        }
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no " + regex + " in\n" + text);
        return m.group(1);
    }

    private static void assertSippPassed(Process sipp, Path dir, String who) throws Exception {
        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "the SIPp " + who + ":\n" + r.output());
    }
}
