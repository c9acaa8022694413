package dev.patchbay.media.grpcserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;

/** grpc-java's Netty server. */
final class NettyMediaGrpcServer implements MediaGrpcServer {

    private final Server server;

    private NettyMediaGrpcServer(Server server) {
        this.server = server;
    }

    static NettyMediaGrpcServer start(InetSocketAddress address, ServerServiceDefinition service,
                                      Set<String> onReadThread) throws IOException {
        return new NettyMediaGrpcServer(NettyServerBuilder.forAddress(address)
                .addService(service)
                // Bot audio is handled on the Netty event loop that read it: a frame only lands in
                // a playout queue, and handing each one to a pool thread cost more than the frame.
                .callExecutor(new ServerCallExecutorSupplier() {
                    @Override
                    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
                        return onReadThread.contains(call.getMethodDescriptor().getFullMethodName())
                                ? MoreExecutors.directExecutor() : null;
                    }
                })
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build()
                .start());
    }

    @Override
    public int port() {
        return server.getPort();
    }

    @Override
    public void shutdown() {
        server.shutdown();
    }

    @Override
    public boolean awaitTermination(Duration limit) throws InterruptedException {
        return server.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void shutdownNow() {
        server.shutdownNow();
    }
}
