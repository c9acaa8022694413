package dev.patchbay.media.grpcserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcConfig;
import io.helidon.webserver.grpc.GrpcRouting;

/**
 * Helidon's gRPC server (helidon-webserver-grpc) on its own WebServer socket. What differs from
 * grpc-java's Netty server, read from its 4.5.0 sources and measured (docs/benchmarks.md, 2026-12-07):
 * every stream's messages are handled on that stream's virtual thread; a send is written on the
 * sender's thread and blocks it while the peer's flow-control window is shut (up to Helidon's
 * 15 s flow-control timeout), and {@code isReady()} is always true, so a mux cannot see a slow bot.
 */
final class HelidonMediaGrpcServer implements MediaGrpcServer {

    /** grpc-java's default inbound message limit, which the Netty server applies; Helidon's is 2 MB. */
    private static final int MAX_MESSAGE_BYTES = 4 << 20;

    private final WebServer server;
    private final StopGate gate;

    private HelidonMediaGrpcServer(WebServer server, StopGate gate) {
        this.server = server;
        this.gate = gate;
    }

    static HelidonMediaGrpcServer start(InetSocketAddress address, ServerServiceDefinition service) throws IOException {
        StopGate gate = new StopGate();
        try {
            WebServer server = WebServer.builder()
                    .host(address.getHostString())
                    .port(address.getPort())
                    .addProtocol(GrpcConfig.builder().maxReadBufferSize(MAX_MESSAGE_BYTES).build())
                    .addRouting(GrpcRouting.builder().service(ServerInterceptors.intercept(service, gate)))
                    .build()
                    .start();
            return new HelidonMediaGrpcServer(server, gate);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void shutdown() {
        gate.stop();
    }

    @Override
    public boolean awaitTermination(Duration limit) throws InterruptedException {
        if (!gate.awaitEnd(limit)) {
            return false;
        }
        server.stop(); // every stream has ended: only the socket is left
        return true;
    }

    @Override
    public void shutdownNow() {
        gate.stop();
        server.stop();
    }
}
