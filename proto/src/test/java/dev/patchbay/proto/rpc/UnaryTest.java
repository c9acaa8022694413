package dev.patchbay.proto.rpc;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.HangupResponse;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.SendDtmfRequest;
import dev.patchbay.proto.media.v1.SendDtmfResponse;
import dev.patchbay.proto.media.v1.TransferRequest;
import dev.patchbay.proto.media.v1.TransferResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Unary} against a real gRPC server on loopback: an answer, an error, and an answerless end. */
class UnaryTest {

    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new MediaPlaneGrpc.MediaPlaneImplBase() {
            @Override
            public void hangup(HangupRequest request, StreamObserver<HangupResponse> response) {
                response.onCompleted();
            }

            @Override
            public void sendDtmf(SendDtmfRequest request, StreamObserver<SendDtmfResponse> response) {
                response.onError(Status.NOT_FOUND.withDescription("no call " + request.getCallId()).asRuntimeException());
            }

            @Override
            public void transfer(TransferRequest request, StreamObserver<TransferResponse> response) {
                response.onNext(TransferResponse.newBuilder().setFinalStatus(request.getCallId().equals("CA1") ? 200 : 404).build());
                response.onCompleted();
            }
        }).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void theResponseCompletesTheFuture() throws Exception {
        CompletableFuture<TransferResponse> r = Unary.call(MediaPlaneGrpc.newStub(channel)::transfer,
                TransferRequest.newBuilder().setCallId("CA1").setTargetUri("sip:x@example.invalid").build());
        assertEquals(200, r.get(10, TimeUnit.SECONDS).getFinalStatus());
    }

    @Test
    void anErrorCompletesItExceptionallyWithTheStatus() {
        CompletableFuture<SendDtmfResponse> r = Unary.call(MediaPlaneGrpc.newStub(channel)::sendDtmf,
                SendDtmfRequest.newBuilder().setCallId("CA9").setDigits("1").build());
        ExecutionException e = assertThrows(ExecutionException.class, () -> r.get(10, TimeUnit.SECONDS));
        StatusRuntimeException status = assertInstanceOf(StatusRuntimeException.class, e.getCause());
        assertEquals(Status.Code.NOT_FOUND, status.getStatus().getCode());
        assertEquals("no call CA9", status.getStatus().getDescription());
    }

    @Test
    void anEndWithoutAResponseCompletesItExceptionallyRatherThanNever() {
        CompletableFuture<HangupResponse> r = Unary.call(MediaPlaneGrpc.newStub(channel)::hangup,
                HangupRequest.newBuilder().setCallId("CA1").build());
        ExecutionException e = assertThrows(ExecutionException.class, () -> r.get(10, TimeUnit.SECONDS));
        // gRPC itself turns a unary call closed with no message into INTERNAL; either way the future ends.
        assertInstanceOf(RuntimeException.class, e.getCause());
    }
}
