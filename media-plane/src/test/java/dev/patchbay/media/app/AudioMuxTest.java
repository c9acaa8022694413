package dev.patchbay.media.app;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;

import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.testutil.LogWatch;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.RtpPackets;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.AudioAttach;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.MuxBotMessage;
import dev.patchbay.proto.media.v1.MuxCallerMessage;
import dev.patchbay.proto.media.v1.MuxLeave;
import dev.patchbay.proto.media.v1.MuxToBot;
import dev.patchbay.proto.media.v1.MuxToCaller;
import dev.patchbay.proto.media.v1.RouteDecision;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several calls' audio on one AudioMux stream, batched per media loop tick, each channel on its own. */
class AudioMuxTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static ManagedChannel grpc;

    @BeforeAll
    static void setUp() throws Exception {
        grpc = NettyChannelBuilder.forAddress("127.0.0.1", plane.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    static void tearDown() {
        grpc.shutdownNow();
    }

    /** Sends a bot's messages as bytes, so a test can also send bytes that are no MuxToCaller. */
    private static final MethodDescriptor<byte[], MuxToBot> RAW_MUX = MediaPlaneGrpc.getAudioMuxMethod().toBuilder(
            new MethodDescriptor.Marshaller<byte[]>() {
                @Override
                public InputStream stream(byte[] value) {
                    return new ByteArrayInputStream(value);
                }

                @Override
                public byte[] parse(InputStream stream) {
                    throw new UnsupportedOperationException("the bot only sends these");
                }
            }, MediaPlaneGrpc.getAudioMuxMethod().getResponseMarshaller()).build();

    /** The bot's end of one AudioMux stream; it reads one batch at a time, so it can stop reading. */
    static final class MuxBot implements ClientResponseObserver<byte[], MuxToBot> {
        final BlockingQueue<MuxToBot> batches = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> error = new CompletableFuture<>();
        private volatile boolean paused;
        private ClientCallStreamObserver<byte[]> stream;
        final StreamObserver<byte[]> send;

        MuxBot() {
            this(grpc);
        }

        MuxBot(ManagedChannel channel) {
            send = ClientCalls.asyncBidiStreamingCall(channel.newCall(RAW_MUX, CallOptions.DEFAULT), this);
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<byte[]> requestStream) {
            stream = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
        }

        @Override
        public void onNext(MuxToBot value) {
            batches.add(value);
            if (!paused) {
                stream.request(1);
            }
        }

        /** Stops reading: what the media-plane sends now fills the stream's flow-control window and stays. */
        void pause() {
            paused = true;
        }

        void resume() {
            paused = false;
            stream.request(1_000_000);
        }

        @Override
        public void onError(Throwable t) {
            error.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
        }

        void send(MuxBotMessage.Builder... messages) {
            MuxToCaller.Builder b = MuxToCaller.newBuilder();
            for (MuxBotMessage.Builder m : messages) {
                b.addMessages(m);
            }
            send.onNext(b.build().toByteArray());
        }

        /** The next caller frame on {@code channel} that starts with {@code first}, skipping the rest. */
        CallerToBot audio(int channel, int first) throws InterruptedException {
            long end = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < end) {
                CallerToBot m = next(channel, CallerToBot.MessageCase.AUDIO);
                if ((m.getAudio().getPayload().byteAt(0) & 0xFF) == first) {
                    return m;
                }
            }
            throw new AssertionError("no frame starting " + first + " on channel " + channel);
        }

        /** The next message of {@code kind} on {@code channel}, skipping others. */
        CallerToBot next(int channel, CallerToBot.MessageCase kind) throws InterruptedException {
            long end = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < end) {
                MuxToBot b = batches.poll(50, TimeUnit.MILLISECONDS);
                if (b == null) {
                    continue;
                }
                for (MuxCallerMessage m : b.getMessagesList()) {
                    if (m.getChannel() == channel && m.getMessage().getMessageCase() == kind) {
                        return m.getMessage();
                    }
                }
            }
            throw new AssertionError("no " + kind + " on channel " + channel + " within " + WAIT);
        }
    }

    private static MuxBotMessage.Builder attach(int channel, String callId, String token) {
        return MuxBotMessage.newBuilder().setChannel(channel).setMessage(BotToCaller.newBuilder().setAttach(
                AudioAttach.newBuilder().setCallId(callId).setToken(token).setFormat(AudioFormat.PCMU)));
    }

    /** One answered SIP call with its RTP socket; the bot attaches through {@code bot} on {@code channel}. */
    record Caller(SipUdpClient sip, DatagramSocket rtp, InetSocketAddress media, String callId, String token,
                          String toTag, String sipCallId) implements AutoCloseable {
        @Override
        public void close() {
            sip.close();
            rtp.close();
        }
    }

    static Caller call(MuxBot bot, int channel, String sipCallId) throws Exception {
        SipUdpClient sip = new SipUdpClient(plane.sipPort());
        DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        rtp.setSoTimeout(100);
        sip.request("INVITE", "echo", 1, sipCallId, null, null, SipUdpClient.sdp(rtp.getLocalPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"));
        ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
        bot.send(attach(channel, offered.getCallId(), offered.getOffered().getAttachToken()));
        control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.newBuilder()));
        SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
        String toTag = ok.header("To").replaceAll(".*;tag=", "");
        sip.request("ACK", "echo", 1, sipCallId + "ack", toTag, null, null);
        Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(ok.body());
        assertTrue(m.find(), ok.body());
        bot.next(channel, CallerToBot.MessageCase.ATTACHED);
        return new Caller(sip, rtp, new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1))),
                offered.getCallId(), offered.getOffered().getAttachToken(), toTag, sipCallId);
    }

    static void sendVoice(Caller c, int seq, byte fill) throws java.io.IOException {
        byte[] voiced = new byte[160];
        Arrays.fill(voiced, fill);
        byte[] packet = RtpPackets.pcmu(seq, 0x42, voiced);
        c.rtp().send(new DatagramPacket(packet, packet.length, c.media()));
    }

    /** The first packet from Patchbay whose payload is not silence, or null within the wait. */
    private static byte[] nextVoiced(Caller c, Duration within) throws java.io.IOException {
        byte[] buf = new byte[2048];
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                c.rtp().receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            byte[] payload = Arrays.copyOfRange(buf, 12, p.getLength());
            if (payload[0] != (byte) 0xFF) {
                return payload;
            }
        }
        return null;
    }

    @Test
    void twoCallsShareOneStreamWithTheirFramesBatchedAndTheirAudioKeptApart() throws Exception {
        MuxBot bot = new MuxBot();
        try (Caller a = call(bot, 7, "mux-a"); Caller b = call(bot, 9, "mux-b")) {
            // Both callers talk for 20 frames; some batch must carry frames of both calls.
            boolean together = false;
            for (int seq = 0; seq < 20; seq++) {
                sendVoice(a, seq, (byte) 0x11);
                sendVoice(b, seq, (byte) 0x22);
                Thread.sleep(20);
            }
            long end = System.nanoTime() + WAIT.toNanos();
            int framesA = 0;
            int framesB = 0;
            while (System.nanoTime() < end && !(together && framesA >= 10 && framesB >= 10)) {
                MuxToBot batch = bot.batches.poll(50, TimeUnit.MILLISECONDS);
                if (batch == null) {
                    continue;
                }
                int inA = 0;
                int inB = 0;
                for (MuxCallerMessage m : batch.getMessagesList()) {
                    if (m.getMessage().getMessageCase() != CallerToBot.MessageCase.AUDIO) {
                        continue;
                    }
                    ByteString payload = m.getMessage().getAudio().getPayload();
                    if (m.getChannel() == 7 && payload.byteAt(0) == 0x11) {
                        inA++;
                    } else if (m.getChannel() == 9 && payload.byteAt(0) == 0x22) {
                        inB++;
                    }
                }
                framesA += inA;
                framesB += inB;
                together |= inA > 0 && inB > 0;
            }
            assertTrue(framesA >= 10 && framesB >= 10, "caller audio reached its own channel: " + framesA + ", " + framesB);
            assertTrue(together, "one batch carried frames of both calls");

            // Bot audio on channel 9 plays to caller b only.
            byte[] tone = new byte[160];
            Arrays.fill(tone, (byte) 0x33);
            bot.send(MuxBotMessage.newBuilder().setChannel(9).setMessage(BotToCaller.newBuilder()
                    .setAudio(AudioFrame.newBuilder().setPayload(ByteString.copyFrom(tone)))));
            assertArrayEquals(tone, nextVoiced(b, WAIT), "caller b hears channel 9's audio exactly");
            assertEquals(null, nextVoiced(a, Duration.ofMillis(300)), "caller a hears only silence");

            // HANG_UP on channel 7 ends call a with BYE; call b carries on.
            bot.send(MuxBotMessage.newBuilder().setChannel(7).setLeave(MuxLeave.HANG_UP));
            SipMessage bye = a.sip().nextRequest(WAIT);
            assertTrue(bye.startLine().startsWith("BYE "), bye.startLine());
            a.sip().respond(bye, 200, "OK");
            assertEquals(HangupCause.BOT_HANGUP, control.next(ControlEvent.EventCase.HANGUP, a.callId(), WAIT).getHangup().getCause());
            for (int seq = 20; seq < 25; seq++) {
                sendVoice(b, seq, (byte) 0x44);
            }
            assertNotNull(bot.audio(9, 0x44), "the other channel still carries audio");
            b.sip().request("BYE", "echo", 2, b.sipCallId() + "bye", b.toTag(), null, null);
            CallerToBot ended = bot.next(9, CallerToBot.MessageCase.ENDED);
            assertEquals(HangupCause.CALLER_BYE, ended.getEnded().getCause());
        } finally {
            bot.send.onCompleted();
        }
    }

    @Test
    void aWrongTokenEndsOnlyItsChannelAndADetachedCallCanBeAttachedAgain() throws Exception {
        MuxBot bot = new MuxBot();
        try (Caller a = call(bot, 1, "mux-c")) {
            bot.send(attach(2, a.callId(), "not-the-token-not-the-token-not-the-token"));
            CallerToBot refused = bot.next(2, CallerToBot.MessageCase.ENDED);
            assertEquals(HangupCause.ERROR, refused.getEnded().getCause());
            assertTrue(refused.getEnded().getReason().startsWith("UNAUTHENTICATED"), refused.getEnded().getReason());

            // DETACH leaves the call waiting for a bot; attaching it again on another channel works.
            try (LogWatch log = LogWatch.on(CallManager.class)) {
                bot.send(MuxBotMessage.newBuilder().setChannel(1).setLeave(MuxLeave.DETACH));
                reattachedHearsTheCaller(a, bot, 3, 0x55, log);
            }
        } finally {
            bot.send.onCompleted();
        }
    }

    @Test
    void aBatchThatIsNoMuxToCallerEndsTheStreamSayingSoAndItsCallsWaitForTheirBot() throws Exception {
        MuxBot bot = new MuxBot();
        try (Caller a = call(bot, 4, "mux-e"); LogWatch log = LogWatch.on(CallManager.class)) {
            // An audio entry whose length runs past the end of the batch.
            bot.send.onNext(new byte[] {0x0A, 0x20, 0x08, 0x04, 0x12, 0x10});
            Status status = bot.error.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
            assertTrue(status.getDescription().contains("a malformed MuxToCaller")
                    && status.getDescription().contains("truncated"), status.getDescription());

            // As after any failed stream, the call waits for its bot: attaching it again works.
            MuxBot again = new MuxBot();
            reattachedHearsTheCaller(a, again, 1, 0x66, log);
            again.send.onCompleted();
        }
    }

    /**
     * A bot that stops reading its AudioMux stream must not hold up another bot's calls on the same
     * media loop (the fixture runs one): the mux sees the stream is not ready and its frames wait in
     * gRPC's buffer or are dropped as "bot too slow", while the loop goes on.
     */
    @Test
    void aStalledBotAndAnotherBotsCallsOnTheSameLoop() throws Exception {
        int counted = 50;
        judgeStall(liveBotFramesWhileAnotherStalls(200, counted), counted);
    }

    /** What a server must do: the live bot hears its caller while the other bot stalls. */
    void judgeStall(int heard, int sent) {
        assertTrue(heard >= sent * 2 / 3, "the live bot heard " + heard + " of its caller's last " + sent
                + " frames while another bot on the same media loop had stopped reading");
    }

    /**
     * Two bots on their own connections, a call each; the slow one's connection has a 4 KB stream
     * window and stops reading, then both callers send {@code sent} frames 20 ms apart. Returns how
     * many of the live caller's last {@code counted} frames (by then the slow window is full) its bot
     * got by 1 s after the last; the slow bot then reads again and both calls end.
     */
    static int liveBotFramesWhileAnotherStalls(int sent, int counted) throws Exception {
        ManagedChannel small = NettyChannelBuilder.forAddress("127.0.0.1", plane.grpcPort()).usePlaintext()
                .flowControlWindow(4096).build();
        MuxBot live = new MuxBot();
        MuxBot slow = new MuxBot(small);
        try (Caller a = call(live, 1, "mux-live"); Caller b = call(slow, 1, "mux-slow")) {
            slow.pause();
            live.batches.clear();
            for (int seq = 0; seq < sent; seq++) {
                sendVoice(a, seq, (byte) (seq < sent - counted ? 0x20 : 0x21));
                sendVoice(b, seq, (byte) 0x31);
                Thread.sleep(20); // a caller's packet rate
            }
            int heard = 0;
            long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
                MuxToBot batch = live.batches.poll(left, TimeUnit.NANOSECONDS);
                for (MuxCallerMessage m : batch == null ? List.<MuxCallerMessage>of() : batch.getMessagesList()) {
                    heard += m.getMessage().hasAudio() && m.getMessage().getAudio().getPayload().byteAt(0) == 0x21 ? 1 : 0;
                }
            }
            slow.resume(); // a server whose sends block on the window is let go here
            for (Caller c : List.of(a, b)) {
                c.sip().request("BYE", "echo", 2, c.sipCallId() + "bye", c.toTag(), null, null);
            }
            live.next(1, CallerToBot.MessageCase.ENDED);
            slow.next(1, CallerToBot.MessageCase.ENDED);
            return heard;
        } finally {
            live.send.onCompleted();
            slow.send.onCompleted();
            small.shutdownNow();
        }
    }

    /**
     * The call waits for a bot; attached again through {@code bot} on {@code channel}, that channel
     * hears the caller's frames of {@code fill}, and the caller's BYE ends it. {@code log}, opened before the
     * bot went, shows when the media-plane has seen it go: attaching before that would test nothing.
     */
    private static void reattachedHearsTheCaller(Caller a, MuxBot bot, int channel, int fill, LogWatch log) throws Exception {
        log.await(line -> line.startsWith("call " + a.callId() + ": ") && line.contains("waiting"), WAIT,
                "the media-plane to see the bot go");
        assertTrue(plane.calls().byId(a.callId()).isPresent(), "the call waits for its bot");
        bot.send(attach(channel, a.callId(), a.token()));
        assertNotNull(bot.next(channel, CallerToBot.MessageCase.ATTACHED));
        for (int seq = 0; seq < 5; seq++) {
            sendVoice(a, seq, (byte) fill);
        }
        assertNotNull(bot.audio(channel, fill), "the re-attached channel hears the caller");
        a.sip().request("BYE", "echo", 2, a.sipCallId() + "bye", a.toTag(), null, null);
        bot.next(channel, CallerToBot.MessageCase.ENDED);
    }
}
