package dev.patchbay.media.app;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.RtpPackets;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.media.testutil.VoicedRtp;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallStatsRequest;
import dev.patchbay.proto.media.v1.CallStatsResponse;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.Clear;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.Mark;
import dev.patchbay.proto.media.v1.MarkPlayed;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.PlaceCallResponse;
import dev.patchbay.proto.media.v1.PlayRequest;
import dev.patchbay.proto.media.v1.RtpStats;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Play and CallStats on a placed call whose trunk is a raw SIP socket and whose far-end RTP is a
 * socket of the test, so the exact packets both ways are known.
 */
class PlayAndStatsTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void statsCountTheCallersLossLiveAndAtTheEndAndAClipPlaysAsGoldenMuLaw() throws Exception {
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            PlaceCallResponse call = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:+15551234567@carrier.example")
                    .setFromUri("sip:+15557654321@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort()).build())
                    .get(5, TimeUnit.SECONDS);
            SipMessage invite = trunk.nextRequest(WAIT);
            Matcher port = Pattern.compile("m=audio (\\d+) ").matcher(invite.body());
            assertTrue(port.find(), invite.body());
            trunk.respond(invite, 200, "OK", "p1", SipUdpClient.sdp(rtp.getLocalPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"),
                    "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n");
            control.next(ControlEvent.EventCase.ANSWERED, call.getCallId(), WAIT);
            String id = call.getCallId();

            // The far end sends sequence numbers 0-9 without 4 and 5.
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port.group(1)));
            byte[] voice = new byte[160];
            java.util.Arrays.fill(voice, (byte) 0x80);
            for (int seq = 0; seq < 10; seq++) {
                if (seq != 4 && seq != 5) {
                    byte[] p = RtpPackets.pcmu(seq, 0x5EED, voice);
                    rtp.send(new DatagramPacket(p, p.length, media));
                }
            }
            Await.until(() -> stats(id).getStats().getPacketsReceived() == 8, WAIT, "8 packets counted");
            CallStatsResponse live = stats(id);
            assertEquals(10, live.getStats().getPacketsExpected(), live.toString());
            assertEquals(2, live.getStats().getPacketsLost(), live.toString());
            // Sent as one burst, so each packet arrives about 20 ms (60 ms after the gap) earlier than its
            // timestamp says: RFC 3550's estimate after these 8 is about 9.3 ms. The bounds leave room for a
            // loaded box, yet a jitter that is not wired (0), in timestamp units (75) or in seconds fails.
            double jitterMs = live.getStats().getJitterMs();
            assertTrue(jitterMs > 1 && jitterMs < 60, "jitter " + jitterMs + " ms: " + live);
            assertTrue(live.getDurationMs() > 0 && live.getDurationMs() < 10_000, live.toString());
            // v1.11: the codec in use and the far end's packet time (no a=ptime in its answer: 20 ms).
            assertEquals("PCMU", live.getCodec().getName(), live.toString());
            assertEquals(0, live.getCodec().getPayloadType(), live.toString());
            assertEquals(8000, live.getCodec().getClockRate(), live.toString());
            assertEquals(20, live.getPtimeMs(), live.toString());

            // 320 samples at 8 kHz: two frames whose mu-law is read from SoX's golden table.
            short[] samples = new short[320];
            byte[] expected = new byte[320];
            byte[] golden = resource("/golden/g711/all-s16le-to-ulaw.ul");
            for (int i = 0; i < samples.length; i++) {
                samples[i] = (short) (200 + (i * 97) % 29_000);
                expected[i] = golden[samples[i] + 32768];
            }
            var played = control.rpc().play(PlayRequest.newBuilder().setCallId(id).setWav(wav(8000, 1, 16, samples)).build())
                    .get(5, TimeUnit.SECONDS);
            assertEquals(40, played.getDurationMs());
            assertArrayEquals(expected, VoicedRtp.receive(rtp, 2, 2000).payload(), "the clip, encoded, in the next voiced packets");

            // 16 kHz is halved by the bot audio's resampler: 640 samples are 40 ms.
            short[] wide = new short[640];
            for (int i = 0; i < wide.length; i++) {
                wide[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 16_000.0));
            }
            assertEquals(40, control.rpc().play(PlayRequest.newBuilder().setCallId(id).setWav(wav(16_000, 1, 16, wide)).build())
                    .get(5, TimeUnit.SECONDS).getDurationMs());
            VoicedRtp.receive(rtp, 2, 2000);

            assertInvalid(id, wav(8000, 2, 16, samples), "2 channels");
            assertInvalid(id, wav(44_100, 1, 16, samples), "44100 Hz");
            assertInvalid(id, wav(8000, 1, 8, samples), "8 bits");
            assertInvalid(id, ByteString.copyFromUtf8("ID3 not a wav"), "RIFF/WAVE");
            assertInvalid(id, wav(8000, 1, 16, new short[251 * 160]), "5020 ms");

            control.rpc().hangup(HangupRequest.newBuilder().setCallId(id).build()).get(5, TimeUnit.SECONDS);
            RtpStats end = control.next(ControlEvent.EventCase.HANGUP, id, WAIT).getHangup().getStats();
            assertEquals(8, end.getPacketsReceived());
            assertEquals(10, end.getPacketsExpected());
            assertEquals(2, end.getPacketsLost());
            assertTrue(end.getPacketsSent() > 0, end.toString());
        }
    }

    @Test
    void aBotsMarkWaitsForTheClipAndItsClearDropsIt() throws Exception {
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            PlaceCallResponse call = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:+15551234567@carrier.example")
                    .setFromUri("sip:+15557654321@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort()).build())
                    .get(5, TimeUnit.SECONDS);
            SipMessage invite = trunk.nextRequest(WAIT);
            trunk.respond(invite, 200, "OK", "p2", SipUdpClient.sdp(rtp.getLocalPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"),
                    "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n");
            control.next(ControlEvent.EventCase.ANSWERED, call.getCallId(), WAIT);
            TestControl.Bot bot = control.attach(call.getCallId(), call.getAttachToken(), AudioFormat.PCMU);
            bot.next(CallerToBot.MessageCase.ATTACHED, WAIT);

            short[] tone = new short[8000]; // 1 s
            java.util.Arrays.fill(tone, (short) 3000);
            long start = System.nanoTime();
            control.rpc().play(PlayRequest.newBuilder().setCallId(call.getCallId()).setWav(wav(8000, 1, 16, tone)).build())
                    .get(5, TimeUnit.SECONDS);
            bot.send.onNext(BotToCaller.newBuilder().setMark(Mark.newBuilder().setName("after-clip")).build());
            MarkPlayed played = bot.next(CallerToBot.MessageCase.MARK_PLAYED, WAIT).getMarkPlayed();
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("after-clip", played.getName());
            assertTrue(!played.getCleared() && waitedMs >= 900, "the mark came once the 1 s clip had played, after " + waitedMs + " ms");
            assertEquals(50, clipLength(rtp), "the whole clip played");

            control.rpc().play(PlayRequest.newBuilder().setCallId(call.getCallId()).setWav(wav(8000, 1, 16, tone)).build())
                    .get(5, TimeUnit.SECONDS);
            bot.send.onNext(BotToCaller.newBuilder().setMark(Mark.newBuilder().setName("cut")).build());
            long sent = stats(call.getCallId()).getStats().getPacketsSent();
            Await.until(() -> stats(call.getCallId()).getStats().getPacketsSent() >= sent + 5, WAIT, "part of the clip to go out");
            bot.send.onNext(BotToCaller.newBuilder().setClear(Clear.getDefaultInstance()).build());
            MarkPlayed cut = bot.next(CallerToBot.MessageCase.MARK_PLAYED, WAIT).getMarkPlayed();
            assertTrue(cut.getCleared() && cut.getName().equals("cut"), cut.toString());
            int voiced = clipLength(rtp);
            assertTrue(voiced >= 5 && voiced < 45, "Clear cut the 50-frame clip short: " + voiced + " frames played");
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(call.getCallId()).build()).get(5, TimeUnit.SECONDS);
            control.next(ControlEvent.EventCase.HANGUP, call.getCallId(), WAIT);
        }
    }

    /** Skips silent packets, then counts voiced ones up to the next silent packet. */
    private static int clipLength(DatagramSocket rtp) throws Exception {
        byte[] buf = new byte[2048];
        rtp.setSoTimeout(2000);
        int voiced = 0;
        for (int n = 0; n < 500; n++) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            rtp.receive(p);
            boolean silent = p.getLength() == 172;
            for (int i = 12; i < p.getLength() && silent; i++) {
                silent = buf[i] == (byte) 0xFF;
            }
            if (!silent) {
                voiced++;
            } else if (voiced > 0) {
                return voiced;
            }
        }
        throw new AssertionError("no clip followed by silence within 500 packets");
    }

    @Test
    void statsAndPlayNeedAKnownCall() {
        var stats = control.rpc().callStats(CallStatsRequest.newBuilder().setCallId("CA" + "1".repeat(32)).build());
        assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(assertThrows(ExecutionException.class, stats::get)).getCode());
        var play = control.rpc().play(PlayRequest.newBuilder().setCallId("CA" + "1".repeat(32)).build());
        assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(assertThrows(ExecutionException.class, play::get)).getCode());
    }

    private static void assertInvalid(String id, ByteString wav, String named) throws Exception {
        var r = control.rpc().play(PlayRequest.newBuilder().setCallId(id).setWav(wav).build());
        Status s = Status.fromThrowable(assertThrows(ExecutionException.class, r::get));
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertTrue(s.getDescription().contains(named), s.getDescription());
    }

    private static CallStatsResponse stats(String id) {
        try {
            return control.rpc().callStats(CallStatsRequest.newBuilder().setCallId(id).build()).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("CallStats failed", e);
        }
    }

    /** A canonical 44-byte-header WAV; the format fields say what the test wants, the data is 16-bit. */
    static ByteString wav(int rate, int channels, int bits, short[] samples) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * samples.length).put("WAVE".getBytes())
                .put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits)
                .put("data".getBytes()).putInt(2 * samples.length);
        for (short s : samples) {
            b.putShort(s);
        }
        return ByteString.copyFrom(b.array());
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = PlayAndStatsTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
