package dev.patchbay.media.grpcserver;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * grpc-java's {@code Server.shutdown()} for a server without one: once {@link #stop()}ped, new streams
 * are refused with UNAVAILABLE while the streams in progress go on, and {@link #awaitEnd} waits for
 * them. Helidon's WebServer has only {@code stop()}, which cuts every stream at once; a stopping node
 * must end its replicas' streams itself and refuse their reconnects (StopRefusesReconnectsTest).
 */
final class StopGate implements ServerInterceptor {

    private final AtomicBoolean stopping = new AtomicBoolean();
    private int open; // guarded by this

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        synchronized (this) {
            if (stopping.get()) {
                call.close(Status.UNAVAILABLE.withDescription("this media-plane is stopping; use another node"),
                        new Metadata());
                return new ServerCall.Listener<>() { };
            }
            open++;
        }
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                synchronized (this) {
                    open--;
                    notifyAll();
                }
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    try {
                        super.close(status, trailers);
                    } finally {
                        end.run();
                    }
                }
            }, headers);
        } catch (RuntimeException e) {
            end.run();
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    end.run();
                }
            }

            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    end.run();
                }
            }
        };
    }

    /** From now on new streams are refused. */
    void stop() {
        stopping.set(true);
    }

    /** Waits up to {@code limit} for the streams in progress to end; true if they all did. */
    synchronized boolean awaitEnd(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (open > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
