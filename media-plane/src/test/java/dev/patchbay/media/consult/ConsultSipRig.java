package dev.patchbay.media.consult;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.google.protobuf.ByteString;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.ConsultProgress;
import dev.patchbay.proto.media.v1.ConsultStep;
import dev.patchbay.proto.media.v1.ControlEvent;

/** SIPp parties and bot audio for the attended-transfer tests. */
final class ConsultSipRig {

    static final Duration WAIT = Duration.ofSeconds(15);

    private ConsultSipRig() {
    }

    static Path scenario(String name) throws Exception {
        return Path.of(ConsultSipRig.class.getResource("/sipp/" + name).toURI());
    }

    /** A SIPp party: its scenario and the options it needs beyond the common ones ({@code -m}, {@code -key}, {@code -d}). */
    record Party(String scenario, List<String> options) {
        static Party of(String scenario) {
            return new Party(scenario, List.of("-m", "1"));
        }
    }

    /** The transfer target, a SIPp UAS on {@code sipPort} whose SDP names {@code rtpPort}. */
    static Process target(Path dir, Party party, int sipPort, int rtpPort) throws Exception {
        List<String> args = new ArrayList<>(List.of("-sf", scenario(party.scenario()).toString(), "-i", "127.0.0.1",
                "-p", Integer.toString(sipPort), "-mp", Integer.toString(Ports.rtpBase(2)), "-key", "rtp_port",
                Integer.toString(rtpPort), "-trace_msg", "-message_file", dir.resolve("messages.log").toString()));
        args.addAll(party.options());
        return Sipp.start(dir, args);
    }

    /** The caller, a SIPp UAC running {@code party}'s scenario against the media-plane's {@code planePort}. */
    static Process caller(Path dir, Party party, int planePort, int rtpPort) throws Exception {
        List<String> args = new ArrayList<>(List.of("-sf", scenario(party.scenario()).toString(), "-s", "consult",
                "-i", "127.0.0.1", "-p", Integer.toString(Ports.freeUdpAndTcp()), "-mp", Integer.toString(Ports.rtpBase(2)),
                "-key", "rtp_port", Integer.toString(rtpPort), "-trace_msg", "-message_file",
                dir.resolve("messages.log").toString()));
        args.addAll(party.options());
        args.add("127.0.0.1:" + planePort);
        return Sipp.start(dir, args);
    }

    /** {@code frames} 20 ms frames of a {@code hz} tone, L16 8 kHz, queued on the bot's stream at once. */
    static void botTone(TestControl.Bot bot, double hz, int frames) {
        for (int f = 0; f < frames; f++) {
            ByteBuffer b = ByteBuffer.allocate(320).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 160; i++) {
                b.putShort((short) (10000 * Math.sin(2 * Math.PI * hz * (f * 160 + i) / 8000)));
            }
            bot.send.onNext(BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder()
                    .setPayload(ByteString.copyFrom(b.array()))).build());
        }
    }

    /** A RIFF/WAVE clip: {@code ms} of a {@code hz} tone, 16-bit mono 8 kHz. */
    static byte[] wav(double hz, int ms) {
        int samples = 8 * ms;
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * samples).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * samples);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (10000 * Math.sin(2 * Math.PI * hz * i / 8000)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b.array());
        return out.toByteArray();
    }

    /** Every control event seen, so waiting for one never drops another that came first. */
    static final class Seen {
        private final TestControl control;
        private final List<ControlEvent> all = new ArrayList<>();

        Seen(TestControl control) {
            this.control = control;
        }

        ControlEvent await(String what, Predicate<ControlEvent> match) throws InterruptedException {
            for (ControlEvent e : all) {
                if (match.test(e)) {
                    all.remove(e);
                    return e;
                }
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                ControlEvent e = control.events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new AssertionError("no " + what + " within " + WAIT + "; seen " + all);
                }
                if (match.test(e)) {
                    return e;
                }
                all.add(e);
            }
        }

        ControlEvent event(ControlEvent.EventCase kind, String callId) throws InterruptedException {
            return await(kind + " of " + callId, e -> e.getEventCase() == kind && e.getCallId().equals(callId));
        }

        /** The caller's attended-transfer step {@code step}; earlier steps must have been taken first. */
        ConsultProgress step(String callId, ConsultStep step) throws InterruptedException {
            return await(step + " of " + callId, e -> e.getEventCase() == ControlEvent.EventCase.CONSULT
                    && e.getCallId().equals(callId) && e.getConsult().getStep() == step).getConsult();
        }
    }
}
