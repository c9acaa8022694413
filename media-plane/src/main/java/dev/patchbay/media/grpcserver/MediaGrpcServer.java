package dev.patchbay.media.grpcserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;

import io.grpc.ServerServiceDefinition;

/**
 * The socket that serves the media-plane's gRPC service, on either server implementation; the
 * service and its interceptors are the same on both. A stop goes {@link #shutdown()} (new streams
 * refused, streams in progress go on), then the caller ends its streams, then
 * {@link #awaitTermination}, then {@link #shutdownNow()} if streams remain.
 */
public sealed interface MediaGrpcServer permits NettyMediaGrpcServer, HelidonMediaGrpcServer {

    /**
     * Binds and starts.
     *
     * @param service      the service, with its interceptors already applied
     * @param onReadThread full method names handled on the thread that read their messages (bot audio)
     */
    static MediaGrpcServer start(GrpcServerKind kind, InetSocketAddress address, ServerServiceDefinition service,
                                 Set<String> onReadThread) throws IOException {
        return switch (kind) {
            case NETTY -> NettyMediaGrpcServer.start(address, service, onReadThread);
            case HELIDON -> HelidonMediaGrpcServer.start(address, service);
        };
    }

    int port();

    /** Refuses new streams; the streams in progress go on until they end or {@link #shutdownNow()}. */
    void shutdown();

    /** Waits up to {@code limit} for every stream to end; true if they all did. */
    boolean awaitTermination(Duration limit) throws InterruptedException;

    /** Ends every stream and closes the socket. */
    void shutdownNow();
}
