package dev.patchbay.media.testutil;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.patchbay.proto.media.v1.AudioAttach;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlCommand;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.ControlHello;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.RouteDecision;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

/**
 * Plays the control-plane and a bot against a real media-plane over gRPC on loopback, so media-plane
 * tests decide each call's fate themselves.
 */
public final class TestControl implements AutoCloseable {

    private final ManagedChannel channel;
    private final StreamObserver<ControlCommand> commands;
    public final BlockingQueue<ControlEvent> events = new LinkedBlockingQueue<>();

    public TestControl(int grpcPort) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        commands = MediaPlaneGrpc.newStub(channel).control(new StreamObserver<>() {
            @Override
            public void onNext(ControlEvent value) {
                events.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        commands.onNext(ControlCommand.newBuilder().setHello(ControlHello.newBuilder().setReplicaId("test")).build());
    }

    /** The next event of the given kind, skipping others; fails the test on timeout. */
    public ControlEvent next(ControlEvent.EventCase kind, Duration timeout) throws InterruptedException {
        return next(kind, null, timeout);
    }

    /** The next event of the given kind for {@code callId} (any call if null), skipping others. */
    public ControlEvent next(ControlEvent.EventCase kind, String callId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ControlEvent e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no " + kind + " event" + (callId == null ? "" : " for " + callId) + " within " + timeout);
            }
            if (e.getEventCase() == kind && (callId == null || callId.equals(e.getCallId()))) {
                return e;
            }
        }
    }

    public synchronized void decide(RouteDecision.Builder decision) {
        commands.onNext(ControlCommand.newBuilder().setDecision(decision).build());
    }

    /** A bot attached to one call; everything the media-plane sends it lands in {@link Bot#received}. */
    public final class Bot {
        public final BlockingQueue<CallerToBot> received = new LinkedBlockingQueue<>();
        public final StreamObserver<BotToCaller> send;
        public volatile Throwable error;
        public volatile boolean completed;

        Bot(String callId, String token, AudioFormat format) {
            send = MediaPlaneGrpc.newStub(channel).audio(new StreamObserver<>() {
                @Override
                public void onNext(CallerToBot value) {
                    received.add(value);
                }

                @Override
                public void onError(Throwable t) {
                    error = t;
                }

                @Override
                public void onCompleted() {
                    completed = true;
                }
            });
            send.onNext(BotToCaller.newBuilder().setAttach(AudioAttach.newBuilder().setCallId(callId).setToken(token)
                    .setFormat(format)).build());
        }

        public CallerToBot next(CallerToBot.MessageCase kind, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                CallerToBot m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new AssertionError("bot got no " + kind + " within " + timeout
                            + (error == null ? "" : "; stream failed: " + error));
                }
                if (m.getMessageCase() == kind) {
                    return m;
                }
            }
        }
    }

    /** The call-control RPCs, as futures so a test can play the SIP peer while one is pending. */
    public MediaPlaneGrpc.MediaPlaneFutureStub rpc() {
        return MediaPlaneGrpc.newFutureStub(channel);
    }

    public Bot attach(String callId, String token, AudioFormat format) {
        return new Bot(callId, token, format);
    }

    @Override
    public void close() {
        try {
            commands.onCompleted();
        } catch (RuntimeException ignored) {
            // already closed
        }
        channel.shutdownNow();
    }
}
