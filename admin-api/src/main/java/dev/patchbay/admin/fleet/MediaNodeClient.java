package dev.patchbay.admin.fleet;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.patchbay.proto.media.v1.DrainRequest;
import dev.patchbay.proto.media.v1.DrainResponse;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.ReadRecordingRequest;
import dev.patchbay.proto.media.v1.RecordingChunk;
import dev.patchbay.proto.media.v1.SendDtmfRequest;
import dev.patchbay.proto.media.v1.TransferRequest;
import dev.patchbay.proto.media.v1.TransferResponse;
import dev.patchbay.proto.rpc.Unary;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

/**
 * The admin API's RPCs to a media-plane node (patchbay.media.v1): hang up, transfer or send DTMF on a
 * call, drain the node, read a finished recording. One short-lived channel per request: operators press these buttons rarely, and a
 * channel kept per node would outlive the node it names. A node's gRPC error becomes the problem an
 * operator can act on.
 */
public final class MediaNodeClient {

    private static final Metadata.Key<String> TOKEN =
            Metadata.Key.of("x-patchbay-cluster-token", Metadata.ASCII_STRING_MARSHALLER);
    private static final long DEADLINE_SECONDS = 5;
    /** A recording of an hour (8 kHz stereo 16-bit) is 115 MB; loopback or a LAN moves that well inside this. */
    private static final long READ_SECONDS = 300;
    /** As the control-plane's transfers: a target may ring for minutes before the final NOTIFY. */
    private static final long TRANSFER_SECONDS = 300;

    /** Where a recording goes: opened with the file's size once the node has found it, before any byte. */
    public interface RecordingSink {
        OutputStream open(long size) throws IOException;
    }

    private final String clusterToken;

    /** @param clusterToken {@code patchbay.cluster.token}, the media-plane's; empty for loopback nodes */
    public MediaNodeClient(String clusterToken) {
        this.clusterToken = clusterToken;
    }

    /** Ends the call on the node holding it: BYE if answered, else the rejection the node picks (480). */
    public void hangup(String grpcAddress, String callId, String reason) {
        call(grpcAddress, "call " + callId, 409, DEADLINE_SECONDS, stub -> stub.hangup(HangupRequest.newBuilder().setCallId(callId)
                .setReason(reason).build()));
    }

    /** Sends the digits on the call's own DTMF method (its trunk's mode, else RFC 4733 or in-band). */
    public void sendDtmf(String grpcAddress, String callId, String digits, int durationMs) {
        call(grpcAddress, "call " + callId, 409, DEADLINE_SECONDS, stub -> stub.sendDtmf(SendDtmfRequest.newBuilder()
                .setCallId(callId).setDigits(digits).setDurationMs(durationMs).build()));
    }

    /**
     * Sends REFER for a blind transfer. The node answers once the final NOTIFY arrives, which can take as
     * long as the target rings: if that is within {@code wait} the answer is returned (or the node's error
     * thrown as a problem), else empty, and {@code late} gets the outcome when it comes.
     */
    public Optional<TransferResponse> transfer(String grpcAddress, String callId, String targetUri, Duration wait,
                                               Consumer<String> late) {
        ManagedChannel channel = channel(grpcAddress);
        CompletableFuture<TransferResponse> answer = Unary.call(MediaPlaneGrpc.newStub(ClientInterceptors.intercept(channel,
                tokenHeader())).withDeadlineAfter(TRANSFER_SECONDS, TimeUnit.SECONDS)::transfer,
                TransferRequest.newBuilder().setCallId(callId).setTargetUri(targetUri).build());
        answer.whenComplete((r, t) -> channel.shutdown());
        try {
            return Optional.of(answer.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            answer.whenComplete((r, t) -> late.accept(r != null ? "final status " + r.getFinalStatus()
                    + (r.getReferRefused() ? " (REFER refused)" : "") : "failed: " + t.getMessage()));
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException sre) {
                throw problem(grpcAddress, "call " + callId, 409, sre);
            }
            throw ProblemException.of(502, "the media node at " + grpcAddress + " could not transfer call " + callId
                    + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the node transferred call " + callId, e);
        }
    }

    /** Starts the node's drain (as SIGTERM would) and answers at once. */
    public DrainResponse drain(String grpcAddress, String by) {
        return call(grpcAddress, "the node", 409, DEADLINE_SECONDS, stub -> stub.drain(DrainRequest.newBuilder().setReason(by).build()));
    }

    /**
     * Streams the finished recording of {@code callId} from the node into {@code sink}. An error before
     * the first byte is a problem the caller can still answer; one after it ends the stream short.
     */
    public void readRecording(String grpcAddress, String callId, RecordingSink sink) {
        call(grpcAddress, "the recording of " + callId, 410, READ_SECONDS, stub -> {
            Iterator<RecordingChunk> chunks = stub.readRecording(ReadRecordingRequest.newBuilder().setCallId(callId).build());
            OutputStream out = null;
            try {
                while (chunks.hasNext()) {
                    RecordingChunk chunk = chunks.next();
                    if (out == null) {
                        out = sink.open(chunk.getSize());
                    }
                    chunk.getData().writeTo(out);
                }
                if (out == null) {
                    sink.open(0).close();
                } else {
                    out.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("sending the recording of " + callId + " failed: " + e.getMessage(), e);
            }
            return null;
        });
    }

    private <T> T call(String address, String what, int notFound, long seconds,
                       Function<MediaPlaneGrpc.MediaPlaneBlockingStub, T> rpc) {
        ManagedChannel channel = channel(address);
        try {
            return rpc.apply(stub(channel, seconds));
        } catch (StatusRuntimeException e) {
            throw problem(address, what, notFound, e);
        } finally {
            channel.shutdownNow();
        }
    }

    private static ManagedChannel channel(String address) {
        return NettyChannelBuilder.forTarget(address).usePlaintext().build();
    }

    private MediaPlaneGrpc.MediaPlaneBlockingStub stub(ManagedChannel channel, long seconds) {
        return MediaPlaneGrpc.newBlockingStub(ClientInterceptors.intercept(channel, tokenHeader()))
                .withDeadlineAfter(seconds, TimeUnit.SECONDS);
    }

    private ClientInterceptor tokenHeader() {
        return tokenHeader(clusterToken);
    }

    /** Sends {@code patchbay.cluster.token} as the media-plane asks for it; nothing when it is empty (loopback nodes). */
    public static ClientInterceptor tokenHeader(String clusterToken) {
        Metadata md = new Metadata();
        if (!clusterToken.isEmpty()) {
            md.put(TOKEN, clusterToken);
        }
        return MetadataUtils.newAttachHeadersInterceptor(md);
    }

    private static ProblemException problem(String address, String what, int notFound, StatusRuntimeException e) {
        String said = e.getStatus().getDescription() == null ? e.getStatus().getCode().name()
                : e.getStatus().getDescription();
        return switch (e.getStatus().getCode()) {
            case NOT_FOUND -> ProblemException.of(notFound, "the media node at " + address + " no longer holds " + what
                    + " (" + said + "); reload to see the call's final state", new FieldError("call_id", "is not on its node"));
            case UNAUTHENTICATED, PERMISSION_DENIED -> ProblemException.of(502, "the media node at " + address
                    + " refused the admin-api's cluster token: set patchbay.cluster.token (env PATCHBAY_CLUSTER_TOKEN)"
                    + " to the media-plane's");
            case UNAVAILABLE, DEADLINE_EXCEEDED -> ProblemException.of(503, "the media node at " + address
                    + " does not answer (" + said + "); it may be stopping, or unreachable from the admin-api")
                    .withHeader("Retry-After", "2");
            default -> ProblemException.of(502, "the media node at " + address + " could not act on " + what
                    + ": " + said);
        };
    }
}
