package dev.patchbay.control.wss;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallerToBot;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The bridges' AudioMux stream against a real media-plane, through a TCP proxy that can reset it: when the
 * stream fails, every call stays up and is attached again on a new stream, and its caller audio flows again.
 * When the node stops reading, bot audio waits in the mux's bounded batch, not in gRPC's buffers.
 */
class BridgeMuxTest {

    private static final Duration WAIT = CallRig.WAIT;

    /** What one channel received, in order: "attached", "audio 160", "ended …". */
    private static final class Heard implements BridgeMux.Caller {
        final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void audio(byte[] bytes, int offset, int length, int sequence) {
            events.add("audio " + length);
        }

        @Override
        public void message(CallerToBot message) {
            events.add(message.getMessageCase() == CallerToBot.MessageCase.ENDED ? "ended " + message.getEnded().getReason()
                    : message.getMessageCase().name().toLowerCase());
        }

        /** Waits for {@code wanted}, skipping other events; {@code nudge} runs while waiting (e.g. sends RTP). */
        void await(String wanted, ThrowingRunnable nudge) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                nudge.run();
                String e = events.poll(50, TimeUnit.MILLISECONDS);
                if (wanted.equals(e)) {
                    return;
                }
                if (e != null && e.startsWith("ended")) {
                    fail("the channel ended while waiting for " + wanted + ": " + e);
                }
            }
            fail("no " + wanted + " within " + WAIT);
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aFailedStreamKeepsEveryCallAndAttachesItAgain() throws Exception {
        try (CallRig rig = new CallRig(); TcpProxy proxy = new TcpProxy(rig.plane.grpcPort());
             CallRig.Call a = rig.call("mx1"); CallRig.Call b = rig.call("mx2")) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext().build();
            BridgeMux mux = new BridgeMux(channel, "proxy");
            try {
                Heard heardA = new Heard();
                Heard heardB = new Heard();
                mux.attach(a.callId(), a.token(), AudioFormat.PCMU, heardA);
                mux.attach(b.callId(), b.token(), AudioFormat.PCMU, heardB);
                heardA.await("attached", () -> { });
                heardB.await("attached", () -> { });
                rig.awaitBotAttached(a);
                rig.awaitBotAttached(b);
                int[] seq = {0};
                byte[] frame = new byte[160];
                ThrowingRunnable speak = () -> {
                    a.sendPcmu(seq[0], frame);
                    b.sendPcmu(seq[0]++, frame);
                };
                heardA.await("audio 160", speak);
                heardB.await("audio 160", speak);

                proxy.cut(); // the stream's connection is reset: no close, no GOAWAY

                heardA.await("attached", () -> { });
                heardB.await("attached", () -> { });
                heardA.events.clear();
                heardB.events.clear();
                heardA.await("audio 160", speak);
                heardB.await("audio 160", speak);
                assertTrue(rig.plane.calls().byId(a.callId()).isPresent(), "call a survived the stream's failure");
                assertTrue(rig.plane.calls().byId(b.callId()).isPresent(), "call b survived the stream's failure");

                a.bye(2);
                heardA.await("ended caller hung up", () -> { });
                assertEquals(0, heardB.events.stream().filter(e -> e.startsWith("ended")).count(), "b is still up");
            } finally {
                mux.close();
                channel.shutdownNow();
            }
        }
    }

    /** True when the pending batch stays unsent for {@link #WAIT}: the flusher is waiting for the stream. */
    private static boolean heldHere(BridgeMux mux) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (mux.pendingBytes() > 0) {
            if (System.nanoTime() > deadline) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    @Test
    void aNodeThatStopsReadingLeavesABoundedBatchHereAndDropsWhatWouldOverfillIt() throws Exception {
        try (CallRig rig = new CallRig(); TcpProxy proxy = new TcpProxy(rig.plane.grpcPort()); CallRig.Call a = rig.call("slow1")) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext().build();
            BridgeMux mux = new BridgeMux(channel, "proxy");
            try {
                Heard heard = new Heard();
                BridgeMux.Line line = mux.attach(a.callId(), a.token(), AudioFormat.PCMU, heard);
                heard.await("attached", () -> { });
                rig.awaitBotAttached(a);

                proxy.hold(); // the node reads nothing more: HTTP/2's window and the socket buffers fill
                byte[] frame = new byte[160];
                // 20 ms of 200 calls' frames at a time, each taken by the flusher while the stream is ready. Without
                // the wait for readiness gRPC would take every batch into its own buffers, and none would stay here.
                long limit = 64L << 20;
                long written = 0;
                while (!heldHere(mux)) {
                    assertTrue(written < limit, "every batch was sent after " + (written >> 20) + " MB the node did not read");
                    for (int i = 0; i < 200; i++) {
                        mux.audio(line, frame, frame.length);
                    }
                    written += 200 * frame.length;
                }
                assertEquals(0, mux.droppedAtFullBatch(), "nothing dropped before the batch was full");
                while (mux.droppedAtFullBatch() == 0) {
                    mux.audio(line, frame, frame.length);
                    assertTrue(mux.pendingBytes() <= mux.config().muxBatchBytes(), "pending " + mux.pendingBytes() + " bytes");
                }
                int waiting = mux.pendingBytes();
                assertTrue(waiting > mux.config().muxBatchBytes() - 1024, "the batch filled before dropping: " + waiting);
                for (int i = 0; i < 100; i++) {
                    mux.audio(line, frame, frame.length);
                }
                assertEquals(101, mux.droppedAtFullBatch(), "every frame past the bound is dropped and counted");
                assertEquals(waiting, mux.pendingBytes(), "nothing was sent while the stream was not ready");
                long dropped = mux.droppedAtFullBatch();

                proxy.release();
                Await.until(() -> mux.pendingBytes() == 0, WAIT, "the held batch to go once the node reads again");
                mux.audio(line, frame, frame.length);
                assertEquals(dropped, mux.droppedAtFullBatch(), "a frame after the node caught up is sent");
                int[] seq = {0};
                heard.events.clear();
                heard.await("audio 160", () -> a.sendPcmu(seq[0]++, frame));
                assertTrue(rig.plane.calls().byId(a.callId()).isPresent(), "the call survived the stall");
            } finally {
                mux.close();
                channel.shutdownNow();
            }
        }
    }
}
