package dev.patchbay.admin.fleet;

import java.util.concurrent.CompletableFuture;

import io.grpc.stub.StreamObserver;

/** A unary RPC's answer as a future: its one message, its error, or a named failure when it ends empty. */
public final class UnaryAnswer<T> implements StreamObserver<T> {

    private final CompletableFuture<T> future = new CompletableFuture<>();
    private final String ifEmpty;

    /** @param ifEmpty what failed, when the node ends the call without a message */
    public UnaryAnswer(String ifEmpty) {
        this.ifEmpty = ifEmpty;
    }

    public CompletableFuture<T> future() {
        return future;
    }

    @Override
    public void onNext(T value) {
        future.complete(value);
    }

    @Override
    public void onError(Throwable t) {
        future.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        future.completeExceptionally(new IllegalStateException(ifEmpty));
    }
}
