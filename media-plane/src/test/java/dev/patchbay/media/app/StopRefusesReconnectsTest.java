package dev.patchbay.media.app;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import dev.patchbay.media.grpc.ControlHub;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.proto.media.v1.ControlCommand;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.ControlHello;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import dev.patchbay.media.grpcserver.GrpcServerKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stopping node ends its replicas' streams, Control and AudioMux, and a replica reconnects at once,
 * as the control-plane's links do to a node still in the table. The node must end both streams itself
 * and refuse the reconnect: found by the multi-host test, where each drained node accepted the
 * reconnect, left the AudioMux stream open, and waited both out for 3 s (gRPC's termination limit,
 * then a forced stop) before it could exit. On both gRPC servers: Helidon's has no such stop of its own.
 */
class StopRefusesReconnectsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(GrpcServerKind.class)
    void aReplicaReconnectingWhileTheNodeStopsIsRefused(GrpcServerKind server) throws Exception {
        List<String> hubLog = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                hubLog.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        MediaPlane plane = MediaPlane.start(MediaPlaneFixture.config().withGrpcServer(server));
        // After the start: Helidon re-reads the logging configuration then, which drops added handlers.
        Logger hubLogger = Logger.getLogger(ControlHub.class.getName());
        java.util.logging.Level level = hubLogger.getLevel();
        hubLogger.setLevel(java.util.logging.Level.INFO);
        hubLogger.addHandler(capture);
        try (ReconnectingReplica replica = new ReconnectingReplica(plane.grpcPort())) {
            // Its "connected" line too: the hub logs it just after counting the stream, and the test reads the order.
            Await.until(() -> plane.hub().connected() == 1 && hubLog.contains("control-plane replica-r connected"), WAIT,
                    "the replica's Control stream");
            plane.close();
            Await.until(() -> replica.attempts.get() >= 2, WAIT, "the replica to try again after its stream ended");
            assertEquals("completed", replica.mux.get(10, java.util.concurrent.TimeUnit.SECONDS),
                    "the node ended the idle AudioMux stream itself instead of cutting it when its wait ran out");
            int ended = hubLog.indexOf("control-plane replica-r disconnected");
            assertTrue(ended >= 0, "the node ended the replica's stream: " + hubLog);
            assertEquals(List.of(), hubLog.subList(ended, hubLog.size()).stream().filter(m -> m.endsWith(" connected")).toList(),
                    "a replica got a stream to a stopping node: " + hubLog);
            assertEquals(0, plane.hub().connected());
        } finally {
            hubLogger.removeHandler(capture);
            hubLogger.setLevel(level);
        }
    }

    /** A replica that opens a new Control stream whenever its stream ends, until closed. */
    private static final class ReconnectingReplica implements AutoCloseable {

        final AtomicInteger attempts = new AtomicInteger();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final ManagedChannel channel;

        /** How the replica's AudioMux stream ended. */
        final java.util.concurrent.CompletableFuture<String> mux = new java.util.concurrent.CompletableFuture<>();

        ReconnectingReplica(int port) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            open();
            MediaPlaneGrpc.newStub(channel).audioMux(new StreamObserver<>() {
                @Override
                public void onNext(dev.patchbay.proto.media.v1.MuxToBot value) {
                }

                @Override
                public void onError(Throwable t) {
                    mux.complete(io.grpc.Status.fromThrowable(t).toString());
                }

                @Override
                public void onCompleted() {
                    mux.complete("completed");
                }
            });
        }

        private void open() {
            if (closed.get() || attempts.incrementAndGet() > 20) {
                return;
            }
            StreamObserver<ControlCommand> commands = MediaPlaneGrpc.newStub(channel).control(new StreamObserver<>() {
                @Override
                public void onNext(ControlEvent value) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    open(); // the node ended the stream: straight back, as MediaNodeLink does
                }
            });
            commands.onNext(ControlCommand.newBuilder().setHello(ControlHello.newBuilder().setReplicaId("replica-r")).build());
        }

        @Override
        public void close() {
            closed.set(true);
            channel.shutdownNow();
        }
    }
}
