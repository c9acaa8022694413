package dev.patchbay.control.wss;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.WebSocket;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;

import dev.patchbay.media.testutil.Allocations;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.mux.MuxDecoder;
import dev.patchbay.proto.mux.MuxEncoder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the bridge allocates per audio frame on its own thread, both ways: a caller frame read out of a
 * {@code MuxToBot} batch, queued for its bot and encoded as Twilio JSON; a bot frame written into the pending
 * {@code MuxToCaller} batch. Beside it, the same work as the per-call Audio stream did it (a CallerToBot
 * parsed per frame and queued, a BotToCaller built and serialised per frame), for the figure in
 * docs/bench/fixes.md. gRPC's, Netty's and the JDK WebSocket's own allocation are outside both.
 */
class BridgeAllocationTest {

    private static final Logger LOG = Logger.getLogger(BridgeAllocationTest.class.getName());
    private static final int CALLS = 50;
    private static final int BATCHES = 400;

    /**
     * Tagged {@code allocation}, so measured without escape analysis (see the parent pom): in a shared test
     * JVM CI once saw 56 B per frame where a run alone saw 24, a trim iterator not scalar-replaced there.
     */
    @Tag("allocation")
    @Test
    void aFrameThroughTheMuxAllocatesAFractionOfThePerCallStream() throws Exception {
        double[] perFrame = perFrame();
        double muxPerFrame = perFrame[0];
        double perCallPerFrame = perFrame[1];
        LOG.info(() -> String.format("bridge allocation per frame, both ways: %.1f B on the mux, %.1f B as the per-call stream did it",
                muxPerFrame, perCallPerFrame));
        // A ConcurrentLinkedQueue node (24 B) per queued caller frame is what is left.
        assertTrue(muxPerFrame <= 32, "the mux path allocated " + muxPerFrame + " B per frame");
        assertTrue(muxPerFrame * 10 < perCallPerFrame, muxPerFrame + " B per frame against " + perCallPerFrame);
    }

    private static double[] perFrame() throws Exception {
        byte[] payload = new byte[160];
        MuxEncoder media = new MuxEncoder(); // as the media-plane writes one wake-up's frames
        for (int c = 1; c <= CALLS; c++) {
            media.audio(c, payload, 0, payload.length, 7, 1120, AudioFormat.PCMU_VALUE);
        }
        byte[] batch = media.stream().readAllBytes();

        MuxDecoder<CallerToBot> decoder = new MuxDecoder<>(CallerToBot.parser());
        BotSendQueue[] queues = new BotSendQueue[CALLS + 1];
        TwilioDialect twilio = new TwilioDialect(Codecs.target("twilio", 8000));
        int held = BridgeConfig.defaults().botQueueFrames();
        for (int c = 1; c <= CALLS; c++) {
            // Connecting: frames wait, and beyond a second of them the oldest are dropped and reused.
            queues[c] = new BotSendQueue("call" + c, twilio, new AtomicReference<>(new Phase.Connecting()), new NoEvents(), held);
        }
        OutFrame out = new OutFrame();
        MuxEncoder bot = new MuxEncoder();
        int[] frames = {0};
        MuxDecoder.Handler<CallerToBot> handler = new MuxDecoder.Handler<>() {
            @Override
            public void audio(int channel, int leave, byte[] bytes, int offset, int length) {
                queues[channel].audio(bytes, offset, length, decoder.sequence());
                twilio.audio(bytes, length, decoder.sequence(), out); // what the sender does with it
                bot.audio(channel, bytes, offset, length, 0, 0, 0);  // and the bot's frame back
                frames[0]++;
            }

            @Override
            public void message(int channel, int leave, CallerToBot message) {
                throw new AssertionError("not on the in-place path: " + message);
            }
        };
        long mux = Allocations.measure(BATCHES, () -> {
            try {
                decoder.decode(batch, batch.length, handler);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
            bot.reset();
        });
        assertEquals(0, frames[0] % CALLS, "every frame took the in-place path");
        assertTrue(frames[0] >= 2 * CALLS * BATCHES, "warmed up and measured: " + frames[0]);

        // The per-call stream: gRPC parsed each CallerToBot, and serialised each BotToCaller built from a copy.
        byte[][] messages = new byte[CALLS][];
        for (int c = 0; c < CALLS; c++) {
            messages[c] = CallerToBot.newBuilder().setAudio(AudioFrame.newBuilder().setPayload(ByteString.copyFrom(payload))
                    .setSequence(7).setTimestamp(1120).setFormat(AudioFormat.PCMU)).build().toByteArray();
        }
        ConcurrentLinkedQueue<CallerToBot> queued = new ConcurrentLinkedQueue<>();
        byte[] wire = new byte[1024];
        long perCall = Allocations.measure(BATCHES, () -> {
            try {
                for (byte[] m : messages) {
                    CallerToBot frame = CallerToBot.parseFrom(m);
                    queued.add(frame);
                    // The old encoder read the ByteString in place: no copy counted for it.
                    CallerToBot next = queued.poll();
                    twilio.audio(payload, next.getAudio().getPayload().size(), next.getAudio().getSequence(), out);
                    BotToCaller up = BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder()
                            .setPayload(ByteString.copyFrom(payload, 0, payload.length))).build();
                    up.writeTo(CodedOutputStream.newInstance(wire));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        return new double[] {(double) mux / (CALLS * BATCHES), (double) perCall / (CALLS * BATCHES)};
    }

    /** The queue never gets a socket here, so it never reports. */
    private static final class NoEvents implements BotSendQueue.Events {
        @Override
        public void stopped(WebSocket ws) {
            throw new AssertionError("no socket, no stop");
        }

        @Override
        public void failed(WebSocket ws, Throwable error) {
            throw new AssertionError("no socket, no failure");
        }
    }
}
