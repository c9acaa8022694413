package dev.patchbay.admin.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.google.protobuf.ByteString;
import dev.patchbay.proto.media.v1.CallStatsRequest;
import dev.patchbay.proto.media.v1.CallStatsResponse;
import dev.patchbay.proto.media.v1.Codec;
import dev.patchbay.proto.media.v1.DrainRequest;
import dev.patchbay.proto.media.v1.DrainResponse;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.HangupResponse;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.ReadRecordingRequest;
import dev.patchbay.proto.media.v1.RecordingChunk;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.proto.media.v1.SendDtmfRequest;
import dev.patchbay.proto.media.v1.SendDtmfResponse;
import dev.patchbay.proto.media.v1.TransferRequest;
import dev.patchbay.proto.media.v1.TransferResponse;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * A gRPC MediaPlane on loopback serving the RPCs the admin API calls (Hangup, Transfer, SendDtmf, Drain, ReadRecording,
 * CallStats)
 * as a media-plane node answers them, with its cluster-token check. A stand-in: a real media-plane
 * is not a dependency of this module; ConsoleLiveCallE2eTest runs hang-up and drain against one.
 */
public final class StandInNode implements AutoCloseable {

    private static final Metadata.Key<String> TOKEN_HEADER =
            Metadata.Key.of("x-patchbay-cluster-token", Metadata.ASCII_STRING_MARSHALLER);
    private static final int CHUNK = 64 * 1024;

    /** Call ids the node was asked to end, in order. */
    public final List<String> hungUp = new CopyOnWriteArrayList<>();
    /** "call id -> Refer-To" per transfer asked, in order. */
    public final List<String> transfers = new CopyOnWriteArrayList<>();
    /** "call id -> digits" per SendDtmf asked, in order. */
    public final List<String> dtmf = new CopyOnWriteArrayList<>();
    /** The final NOTIFY status a transfer answers with; 0 keeps the transfer ringing until {@link #answerRinging} ends it. */
    public final AtomicInteger transferStatus = new AtomicInteger(202);
    /** Transfers still ringing: complete one with {@link #answerRinging(int)}. */
    private final List<StreamObserver<TransferResponse>> ringing = new CopyOnWriteArrayList<>();
    /** Call ids the node answers NOT_FOUND for, as a node whose call has ended. */
    public final List<String> gone = new CopyOnWriteArrayList<>();
    /** Finished recordings by call id. */
    public final Map<String, byte[]> recordings = new ConcurrentHashMap<>();
    public final AtomicBoolean draining = new AtomicBoolean();
    /**
     * CallStats answers so far: the n-th answers PCMU at 20 ms with jitter 2 + n/2 ms and 1% loss, so figures
     * change from one snapshot to the next as a real call's do.
     */
    public final AtomicInteger statsAsked = new AtomicInteger();
    /** When set, CallStats is never answered: a stalled node, for the stream's deadline. */
    public final AtomicBoolean statsStalled = new AtomicBoolean();
    /** The token the node requires, or null for none (a loopback node without one). */
    public final AtomicReference<String> token = new AtomicReference<>();
    private final Server server;

    public StandInNode(String token) {
        this.token.set(token);
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerInterceptors.intercept(new Service(), new TokenCheck())).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** host:port, as media_nodes.grpc_address and calls.media_node hold it. */
    public String address() {
        return "127.0.0.1:" + server.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    /** Answers every transfer still ringing with this final status, as the final NOTIFY would. */
    public void answerRinging(int status) {
        for (StreamObserver<TransferResponse> r : ringing) {
            r.onNext(TransferResponse.newBuilder().setFinalStatus(status).build());
            r.onCompleted();
        }
        ringing.clear();
    }

    /** A canonical stereo 16-bit WAV: a 440 Hz tone on the left (caller) channel, silence on the right. */
    public static byte[] toneOnTheLeft(int rate, double seconds) {
        int frames = (int) (rate * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + frames * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + frames * 4).put("WAVEfmt ".getBytes()).putInt(16).putShort((short) 1)
                .putShort((short) 2).putInt(rate).putInt(rate * 4).putShort((short) 4).putShort((short) 16)
                .put("data".getBytes()).putInt(frames * 4);
        for (int i = 0; i < frames; i++) {
            b.putShort((short) (12_000 * Math.sin(2 * Math.PI * 440 * i / rate))).putShort((short) 0);
        }
        return b.array();
    }

    private final class Service extends MediaPlaneGrpc.MediaPlaneImplBase {
        @Override
        public void hangup(HangupRequest request, StreamObserver<HangupResponse> response) {
            if (gone.contains(request.getCallId())) {
                response.onError(Status.NOT_FOUND.withDescription("no call " + request.getCallId()).asRuntimeException());
                return;
            }
            hungUp.add(request.getCallId());
            response.onNext(HangupResponse.getDefaultInstance());
            response.onCompleted();
        }

        @Override
        public void transfer(TransferRequest request, StreamObserver<TransferResponse> response) {
            if (gone.contains(request.getCallId())) {
                response.onError(Status.NOT_FOUND.withDescription("no call " + request.getCallId()).asRuntimeException());
                return;
            }
            transfers.add(request.getCallId() + " -> " + request.getTargetUri());
            int status = transferStatus.get();
            if (status == 0) {
                ringing.add(response);
                return;
            }
            response.onNext(TransferResponse.newBuilder().setFinalStatus(status).build());
            response.onCompleted();
        }

        @Override
        public void sendDtmf(SendDtmfRequest request, StreamObserver<SendDtmfResponse> response) {
            if (gone.contains(request.getCallId())) {
                response.onError(Status.NOT_FOUND.withDescription("no call " + request.getCallId()).asRuntimeException());
                return;
            }
            dtmf.add(request.getCallId() + " -> " + request.getDigits());
            response.onNext(SendDtmfResponse.getDefaultInstance());
            response.onCompleted();
        }

        @Override
        public void callStats(CallStatsRequest request, StreamObserver<CallStatsResponse> response) {
            if (statsStalled.get()) {
                return;
            }
            int n = statsAsked.incrementAndGet();
            response.onNext(CallStatsResponse.newBuilder()
                    .setStats(RtpStats.newBuilder().setPacketsExpected(1000).setPacketsLost(10).setPacketsReceived(990)
                            .setJitterMs(2 + n / 2.0))
                    .setCodec(Codec.newBuilder().setName("PCMU").setPayloadType(0).setClockRate(8000))
                    .setPtimeMs(20).setDurationMs(1000L * n).build());
            response.onCompleted();
        }

        @Override
        public void drain(DrainRequest request, StreamObserver<DrainResponse> response) {
            boolean already = draining.getAndSet(true);
            response.onNext(DrainResponse.newBuilder().setCallsInProgress(2).setAlreadyDraining(already).build());
            response.onCompleted();
        }

        @Override
        public void readRecording(ReadRecordingRequest request, StreamObserver<RecordingChunk> response) {
            byte[] wav = recordings.get(request.getCallId());
            if (wav == null) {
                response.onError(Status.NOT_FOUND.withDescription("no recording of " + request.getCallId()).asRuntimeException());
                return;
            }
            for (int at = (int) request.getOffset(); at < wav.length; at += CHUNK) {
                RecordingChunk.Builder c = RecordingChunk.newBuilder()
                        .setData(ByteString.copyFrom(wav, at, Math.min(CHUNK, wav.length - at)));
                if (at == request.getOffset()) {
                    c.setSize(wav.length);
                }
                response.onNext(c.build());
            }
            response.onCompleted();
        }
    }

    /** The media-plane's ClusterAuth rule: the configured token, or UNAUTHENTICATED. */
    private final class TokenCheck implements ServerInterceptor {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                           ServerCallHandler<Q, A> next) {
            String expected = token.get();
            if (expected != null && !expected.equals(headers.get(TOKEN_HEADER))) {
                call.close(Status.UNAUTHENTICATED.withDescription("wrong cluster token"), new Metadata());
                return new ServerCall.Listener<>() { };
            }
            return next.startCall(call, headers);
        }
    }
}
