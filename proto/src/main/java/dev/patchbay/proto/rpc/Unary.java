package dev.patchbay.proto.rpc;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import io.grpc.stub.StreamObserver;

/**
 * A unary gRPC call on an async stub as a {@link CompletableFuture}: {@code Unary.call(stub::hangup, request)}.
 * The future completes on gRPC's thread with the response, or exceptionally with the call's error (a
 * {@code StatusRuntimeException}), or with an {@link IllegalStateException} if the server ended the call
 * without a response, so a caller waiting on it never waits forever.
 */
public final class Unary {

    private Unary() {
    }

    public static <Q, R> CompletableFuture<R> call(BiConsumer<Q, StreamObserver<R>> method, Q request) {
        CompletableFuture<R> result = new CompletableFuture<>();
        method.accept(request, new StreamObserver<>() {
            @Override
            public void onNext(R response) {
                result.complete(response);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                // After onNext this changes nothing; without one, the server answered nothing.
                result.completeExceptionally(new IllegalStateException("the server ended the call without a response"));
            }
        });
        return result;
    }
}
