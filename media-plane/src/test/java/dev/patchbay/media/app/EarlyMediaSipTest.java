package dev.patchbay.media.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import dev.patchbay.media.codec.G711;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Goertzel;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.RtpCapture;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.EarlyMedia;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.Ring;
import dev.patchbay.proto.media.v1.Ringback;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Early media (183 with SDP and a ringback tone or clip until the answer), reliable provisionals
 * with PRACK (RFC 3262), and 420 for extensions Patchbay lacks, against real SIPp callers and a
 * real RTP receiver on loopback.
 */
class EarlyMediaSipTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final EarlyMedia US_RINGBACK = EarlyMedia.newBuilder().setRingback(Ringback.getDefaultInstance()).build();

    private static RouteDecision.Builder ring(String callId, EarlyMedia early) {
        return RouteDecision.newBuilder().setCallId(callId).setRing(Ring.newBuilder().setEarlyMedia(early));
    }

    private static RouteDecision.Builder answer(String callId) {
        return RouteDecision.newBuilder().setCallId(callId).setAnswer(Answer.getDefaultInstance());
    }

    private static Process sipp(Path dir, String scenario, int rtpPort, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(extra));
        args.addAll(List.of("-sf", PlaceCallOptionsTest.scenario(scenario).toString(), "-s", "early", "-m", "1",
                "-i", "127.0.0.1", "-p", Integer.toString(Ports.freeUdpAndTcp()), "-mp", Integer.toString(Ports.rtpBase(2)),
                "-key", "rtp_port", Integer.toString(rtpPort), "-trace_msg", "-message_file", dir.resolve("messages.log").toString(),
                "127.0.0.1:" + plane.sipPort()));
        return Sipp.start(dir, args);
    }

    @Test
    void theCallerHearsUsRingbackIn183UntilTheAnswerAndTheSameStreamCarriesOn() throws Exception {
        try (RtpCapture caller = new RtpCapture()) {
            Path dir = Sipp.workDir();
            Process sipp = sipp(dir, "uac-early-media.xml", caller.port());
            String callId = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
            control.decide(ring(callId, US_RINGBACK));
            // 6.4 s: one whole 2 s on / 4 s off cycle, then 0.4 s into the next tone, where the answer cuts it.
            Await.until(() -> caller.count() >= 320, WAIT, "6.4 s of early media");
            int atAnswer = caller.count();
            control.decide(answer(callId));
            control.next(ControlEvent.EventCase.ANSWERED, callId, WAIT);
            Await.until(() -> caller.count() >= atAnswer + 50, WAIT, "a second of the answered call");
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(callId).build()).get(5, TimeUnit.SECONDS);
            assertEquals(HangupCause.BOT_HANGUP, control.next(ControlEvent.EventCase.HANGUP, callId, WAIT).getHangup().getCause());
            Sipp.Result r = Sipp.await(sipp, dir);
            assertEquals(0, r.exitCode(), "SIPp got 183 with SDP, then a 200 OK with the same SDP:\n" + r.output());

            List<RtpCapture.Packet> packets = caller.packets();
            assertOneStream(packets);
            short[][] frames = decode(packets, true);
            for (int f = 0; f <= 96; f++) {
                assertRingback(frames, f, "the first 2 s are tone");
            }
            for (int f = 102; f < 298; f++) {
                assertTrue(Goertzel.energy(frames[f]) < 1e-6, "frame " + f + " of the 4 s pause is silent");
            }
            for (int f = 302; f <= atAnswer - 4; f++) {
                assertRingback(frames, f, "the second cycle starts with tone again");
            }
            // The answer stops the tone within a tick or two of the decision reaching the loop.
            for (int f = atAnswer + 10; f < packets.size(); f++) {
                assertTrue(Goertzel.energy(frames[f]) < 1e-6, "frame " + f + " after the answer is silence (no bot attached)");
            }
            assertRealTime(packets.subList(0, atAnswer));
        }
    }

    /** Both ringback frequencies at about -19 dBm0 each, and nothing at 1 kHz, over four frames (12.5 Hz bins). */
    private static void assertRingback(short[][] frames, int first, String what) {
        short[] block = new short[640];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(frames[first + i >= frames.length ? frames.length - 1 : first + i], 0, block, i * 160, 160);
        }
        double expected = Math.pow(32767 * Math.pow(10, -22.17 / 20) / 32768, 2) / 4;
        double p440 = Goertzel.power(block, 440);
        double p480 = Goertzel.power(block, 480);
        assertTrue(p440 > expected * 0.5 && p440 < expected * 2, what + ": 440 Hz power " + p440 + " at frame " + first);
        assertTrue(p480 > expected * 0.5 && p480 < expected * 2, what + ": 480 Hz power " + p480 + " at frame " + first);
        assertTrue(Goertzel.power(block, 1000) < expected / 100, what + ": no 1 kHz at frame " + first);
    }

    /** One SSRC, and sequence numbers and timestamps that step by one packet of 160 samples throughout. */
    private static void assertOneStream(List<RtpCapture.Packet> packets) {
        RtpCapture.Packet first = packets.getFirst();
        for (int i = 1; i < packets.size(); i++) {
            RtpCapture.Packet p = packets.get(i);
            assertEquals(first.ssrc(), p.ssrc(), "SSRC of packet " + i);
            assertEquals((first.sequence() + i) & 0xFFFF, p.sequence(), "sequence of packet " + i);
            assertEquals((first.timestamp() + 160L * i) & 0xFFFFFFFFL, p.timestamp(), "timestamp of packet " + i);
            assertEquals(160, p.payload().length, "20 ms payload in packet " + i);
        }
    }

    /**
     * Real time: over the whole stretch, no more packets than 20 ms slots of wall clock (give or take 60 ms of jitter at its ends),
     * and no fewer than 45 a second; over any 1 s window at most 51 (50 intervals) plus 2 for the
     * scheduling jitter of this shared machine at either end of the window, sender or receiver.
     */
    private static void assertRealTime(List<RtpCapture.Packet> packets) {
        int from = 0;
        for (int to = 0; to < packets.size(); to++) {
            while (packets.get(to).arrivedNanos() - packets.get(from).arrivedNanos() > 1_000_000_000L) {
                from++;
            }
            assertTrue(to - from + 1 <= 53, (to - from + 1) + " packets within 1 s ending at packet " + to);
        }
        long elapsed = packets.getLast().arrivedNanos() - packets.getFirst().arrivedNanos();
        assertTrue(packets.size() - 1 <= elapsed / 20_000_000L + 3, (packets.size() - 1) + " intervals in " + elapsed / 1e6 + " ms");
        assertTrue(packets.size() / (elapsed / 1e9) >= 45, packets.size() + " packets in " + elapsed / 1e9 + " s");
    }

    private static short[][] decode(List<RtpCapture.Packet> packets, boolean ulaw) {
        short[][] frames = new short[packets.size()][160];
        for (int i = 0; i < packets.size(); i++) {
            byte[] payload = packets.get(i).payload();
            if (ulaw) {
                G711.decodeUlaw(payload, 0, 160, frames[i], 0);
            } else {
                G711.decodeAlaw(payload, 0, 160, frames[i], 0);
            }
        }
        return frames;
    }

    @ParameterizedTest(name = "SIPp transport {0}")
    @ValueSource(strings = {"u1", "t1"})
    void with100relThe183IsReliableAndThe200OkWaitsForThePrack(String transport) throws Exception {
        try (RtpCapture caller = new RtpCapture()) {
            Path dir = Sipp.workDir();
            Process sipp = sipp(dir, "uac-early-media-100rel.xml", caller.port(), "-t", transport);
            String callId = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
            control.decide(ring(callId, US_RINGBACK));
            control.decide(answer(callId)); // at once: SIPp's PRACK comes 300 ms later, and the 200 OK must wait for it
            control.next(ControlEvent.EventCase.ANSWERED, callId, WAIT);
            Await.until(() -> caller.count() >= 25, WAIT, "media");
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(callId).build()).get(5, TimeUnit.SECONDS);
            control.next(ControlEvent.EventCase.HANGUP, callId, WAIT);
            Sipp.Result r = Sipp.await(sipp, dir);
            assertEquals(0, r.exitCode(), "SIPp: reliable 183, PRACK answered 200, then the INVITE's 200 OK:\n" + r.output());
            assertOneStream(caller.packets());
        }
    }

    @Test
    void aReliable183IsRetransmittedUntilItsPrackAndOnlyThenComesThe200Ok() throws Exception {
        try (SipUdpClient caller = new SipUdpClient(plane.sipPort()); RtpCapture rtp = new RtpCapture()) {
            caller.request("INVITE", "early", 1, "inv1", null, "Supported: 100rel\r\n",
                    SipUdpClient.sdp(rtp.port(), "8", "a=rtpmap:8 PCMA/8000\r\n"));
            String callId = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
            control.decide(ring(callId, US_RINGBACK));
            SipUdpClient.SipMessage first = nextStatus(caller, 183);
            assertEquals("100rel", first.header("Require"));
            String rseq = first.header("RSeq");
            assertNotNull(rseq, "a reliable 183 carries RSeq");
            assertTrue(first.body().contains("m=audio"), "the 183 carries the SDP answer");
            control.decide(answer(callId));
            // Unacknowledged, the 183 comes again (T1 = 500 ms, doubling) and the 200 OK does not come at all.
            SipUdpClient.SipMessage again = nextStatus(caller, 183);
            assertEquals(rseq, again.header("RSeq"), "a retransmission, not a new provisional");
            assertNull(caller.finalResponse(Duration.ofMillis(700)), "no 200 OK before the PRACK");
            String toTag = first.header("To").replaceFirst(".*;tag=", "");
            caller.request("PRACK", "early", 2, "prack1", toTag, "RAck: " + rseq + " 1 INVITE\r\n", null);
            SipUdpClient.SipMessage prackOk = caller.finalResponseTo("2 PRACK", WAIT);
            assertNotNull(prackOk, "the PRACK is answered");
            assertEquals(200, prackOk.status());
            SipUdpClient.SipMessage ok = caller.finalResponseTo("1 INVITE", WAIT);
            assertNotNull(ok, "the 200 OK follows the PRACK");
            assertEquals(200, ok.status());
            assertEquals(first.body(), ok.body(), "the 200 OK repeats the 183's SDP answer");
            caller.request("ACK", "early", 1, "ack1", toTag, "", null);
            control.next(ControlEvent.EventCase.ANSWERED, callId, WAIT);
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(callId).build()).get(5, TimeUnit.SECONDS);
            control.next(ControlEvent.EventCase.HANGUP, callId, WAIT);
            assertOneStream(rtp.packets());
        }
    }

    @Test
    void a180IsReliableTooAndAnAnswerWhosePrackNeverComesEndsIn500() throws Exception {
        try (SipUdpClient caller = new SipUdpClient(plane.sipPort())) {
            caller.request("INVITE", "early", 1, "inv4", null, "Require: 100rel\r\n", SipUdpClient.sdp(Ports.rtpBase(2), "0", ""));
            String callId = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
            control.decide(RouteDecision.newBuilder().setCallId(callId).setRing(Ring.getDefaultInstance()));
            SipUdpClient.SipMessage ringing = nextStatus(caller, 180);
            assertEquals("100rel", ringing.header("Require"));
            assertNotNull(ringing.header("RSeq"));
            assertTrue(ringing.body().isEmpty(), "no early media asked for: a bare 180");
            control.decide(answer(callId));
            // No PRACK: the 200 OK is held, and when the ACK timeout ends the call the INVITE gets a 5xx (RFC 3262 section 3).
            SipUdpClient.SipMessage refused = caller.finalResponseTo("1 INVITE", Duration.ofSeconds(15));
            assertNotNull(refused, "a final response to the INVITE");
            assertEquals(500, refused.status(), refused.raw());
            assertTrue(refused.header("Reason").contains("no PRACK"), refused.raw());
            assertEquals(HangupCause.NO_ACK, control.next(ControlEvent.EventCase.HANGUP, callId, WAIT).getHangup().getCause());
            caller.request("ACK", "early", 1, "inv4", ringing.header("To").replaceFirst(".*;tag=", ""), "", null);
        }
    }

    private static SipUdpClient.SipMessage nextStatus(SipUdpClient caller, int status) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            SipUdpClient.SipMessage m = caller.receive(Duration.ofMillis(500));
            if (m != null && m.status() == status) {
                return m;
            }
        }
        throw new AssertionError("no " + status + " within " + WAIT);
    }

    @Test
    void requireOfAnExtensionPatchbayLacksGets420NamingOnlyThatOne() throws Exception {
        Path dir = Sipp.workDir();
        Sipp.Result r = Sipp.run(dir, List.of("-sf", PlaceCallOptionsTest.scenario("uac-bad-extension.xml").toString(),
                "-trace_msg", "-message_file", dir.resolve("messages.log").toString(),
                "-s", "early", "-m", "1", "-i", "127.0.0.1", "-p", Integer.toString(Ports.freeUdpAndTcp()),
                "-mp", Integer.toString(Ports.rtpBase(2)), "127.0.0.1:" + plane.sipPort()));
        assertEquals(0, r.exitCode(), "SIPp got 420 with Unsupported: x-no-such-extension only:\n" + r.output());
        assertTrue(control.events.stream().noneMatch(e -> e.getEventCase() == ControlEvent.EventCase.OFFERED),
                "a refused INVITE is never offered");

        // The extensions Patchbay has are no reason to refuse, and OPTIONS is checked the same way.
        try (SipUdpClient caller = new SipUdpClient(plane.sipPort())) {
            caller.request("OPTIONS", "early", 1, "opt1", null, "Require: foo, bar, timer\r\nContent-Type: text/plain\r\n", null);
            SipUdpClient.SipMessage refused = caller.finalResponse(WAIT);
            assertEquals(420, refused.status());
            List<String> unsupported = new ArrayList<>();
            for (String line : refused.raw().split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("unsupported:")) {
                    for (String tag : line.substring(12).split(",")) {
                        unsupported.add(tag.strip());
                    }
                }
            }
            assertEquals(List.of("foo", "bar"), unsupported, "exactly the tags Patchbay lacks, timer not among them");
            caller.request("SUBSCRIBE", "early", 3, "sub1", null, "Require: foo\r\nEvent: presence\r\n", null);
            assertEquals(405, caller.finalResponse(WAIT).status(), "an unknown method is a 405 before its Require is read");
            caller.request("INVITE", "early", 2, "inv2", null, "Require: timer, 100rel\r\nSession-Expires: 1800\r\n",
                    SipUdpClient.sdp(Ports.rtpBase(2), "0", ""));
            String callId = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
            control.decide(RouteDecision.newBuilder().setCallId(callId).setReject(
                    dev.patchbay.proto.media.v1.Reject.newBuilder().setSipStatus(486).setReason("busy")));
            assertEquals(486, caller.finalResponseTo("2 INVITE", WAIT).status());
            caller.request("ACK", "early", 2, "inv2", null, "", null);
        }
    }

    @Test
    void aWavClipLoopsAsEarlyMediaInPcmaAndCancelEndsTheCallAndFreesItsPort() throws Exception {
        int free = plane.calls().ports().available();
        try (SipUdpClient caller = new SipUdpClient(plane.sipPort()); RtpCapture rtp = new RtpCapture()) {
            caller.request("INVITE", "early", 1, "inv3", null, null, SipUdpClient.sdp(rtp.port(), "8", "a=rtpmap:8 PCMA/8000\r\n"));
            String callId = control.next(ControlEvent.EventCase.OFFERED, WAIT).getCallId();
            control.decide(ring(callId, EarlyMedia.newBuilder().setWav(ByteString.copyFrom(clip())).build()));
            SipUdpClient.SipMessage progress = nextStatus(caller, 183);
            assertNull(progress.header("RSeq"), "not reliable: the INVITE did not ask for 100rel");
            assertTrue(progress.body().contains("RTP/AVP 8"), progress.body());
            Await.until(() -> rtp.count() >= 60, WAIT, "1.2 s of the clip");
            caller.sendRaw("CANCEL sip:early@127.0.0.1:" + plane.sipPort() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.localPort() + ";branch=z9hG4bKinv3;rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1:" + caller.localPort() + ">;tag=" + caller.fromTag + "\r\n"
                    + "To: <sip:early@127.0.0.1:" + plane.sipPort() + ">\r\nCall-ID: " + caller.callId + "\r\n"
                    + "CSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
            assertEquals(HangupCause.CALLER_CANCEL, control.next(ControlEvent.EventCase.HANGUP, callId, WAIT).getHangup().getCause());
            Await.until(() -> plane.calls().ports().available() == free, WAIT, "the early media's RTP port to be released");

            // The clip: 200 ms of 1 kHz then 200 ms of silence, over and over, in A-law.
            short[][] frames = decode(rtp.packets(), false);
            for (int f = 0; f + 20 <= 60; f += 20) {
                // The 16 kHz clip went through the half-band downsampler, whose delay spills a little into frame 10.
                for (int i = 1; i < 10; i++) {
                    assertTrue(Goertzel.power(frames[f + i], 1000) > 0.01, "1 kHz in frame " + (f + i));
                }
                for (int i = 11; i < 20; i++) {
                    assertTrue(Goertzel.energy(frames[f + i]) < 1e-6, "silence in frame " + (f + i));
                }
            }
        }
    }

    @Test
    void aBotSpeakingBeforeTheAnswerEndsTheRingbackAndARejectEndsTheEarlyMedia() throws Exception {
        int free = plane.calls().ports().available();
        try (SipUdpClient caller = new SipUdpClient(plane.sipPort()); RtpCapture rtp = new RtpCapture()) {
            caller.request("INVITE", "early", 1, "inv5", null, null, SipUdpClient.sdp(rtp.port(), "0", "a=rtpmap:0 PCMU/8000\r\n"));
            ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            String callId = offered.getCallId();
            control.decide(ring(callId, US_RINGBACK));
            nextStatus(caller, 183);
            Await.until(() -> rtp.count() >= 25, WAIT, "half a second of ringback");
            // A bot may attach before the answer now that media runs; its first frame ends the ringback for good.
            TestControl.Bot bot = control.attach(callId, offered.getOffered().getAttachToken(),
                    dev.patchbay.proto.media.v1.AudioFormat.PCMU);
            bot.next(dev.patchbay.proto.media.v1.CallerToBot.MessageCase.ATTACHED, WAIT);
            byte[] speech = new byte[160 * 5];
            for (int i = 0; i < speech.length; i++) {
                speech[i] = G711.linearToUlaw((short) (8000 * Math.sin(i * 2 * Math.PI / 8))); // 1 kHz
            }
            int before = rtp.count();
            bot.send.onNext(dev.patchbay.proto.media.v1.BotToCaller.newBuilder().setAudio(
                    dev.patchbay.proto.media.v1.AudioFrame.newBuilder().setPayload(ByteString.copyFrom(speech))).build());
            Await.until(() -> rtp.count() >= before + 40, WAIT, "the bot's frames and what follows them");
            control.decide(RouteDecision.newBuilder().setCallId(callId).setReject(
                    dev.patchbay.proto.media.v1.Reject.newBuilder().setSipStatus(486).setReason("busy")));
            SipUdpClient.SipMessage busy = caller.finalResponseTo("1 INVITE", WAIT);
            assertEquals(486, busy.status());
            assertEquals(HangupCause.REJECTED, control.next(ControlEvent.EventCase.HANGUP, callId, WAIT).getHangup().getCause());
            Await.until(() -> plane.calls().ports().available() == free, WAIT, "the early media's RTP port to be released");
            caller.request("ACK", "early", 1, "inv5", busy.header("To").replaceFirst(".*;tag=", ""), "", null);

            List<RtpCapture.Packet> packets = rtp.packets();
            int first = -1;
            for (int i = before; i < packets.size() && first < 0; i++) {
                if (java.util.Arrays.equals(packets.get(i).payload(), java.util.Arrays.copyOfRange(speech, 0, 160))) {
                    first = i;
                }
            }
            assertTrue(first >= 0, "the bot's first frame was played");
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(speech, 160 * i, 160 * (i + 1)), packets.get(first + i).payload(),
                        "bot frame " + i + ", in order");
            }
            short[][] frames = decode(packets, true);
            for (int f = first + 5; f < before + 40; f++) {
                assertTrue(Goertzel.energy(frames[f]) < 1e-6, "silence, not ringback, after the bot spoke (frame " + f + ")");
            }
            int settled = rtp.count();
            assertNull(caller.receive(Duration.ofMillis(200)), "nothing more after the 486");
            assertTrue(rtp.count() - settled <= 1, "the RTP stops with the call");
        }
    }

    /** A 16 kHz WAV: 200 ms of 1 kHz at half scale, then 200 ms of silence. */
    private static byte[] clip() {
        int samples = 6400;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * samples).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + 2 * samples).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000)
                .putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(2 * samples);
        for (int i = 0; i < samples; i++) {
            b.putShort(i < samples / 2 ? (short) Math.round(16384 * Math.sin(2 * Math.PI * 1000 * i / 16000.0)) : 0);
        }
        return b.array();
    }
}
