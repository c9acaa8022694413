package dev.patchbay.media.grpc;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Guards every RPC but Audio and AudioMux (which have per-call tokens): the caller must present the cluster
 * token, or, when none is configured, connect from loopback. The media-plane has a public address,
 * so an open Control stream would let anyone route calls.
 */
public final class ClusterAuth implements ServerInterceptor {

    public static final Metadata.Key<String> TOKEN =
            Metadata.Key.of("x-patchbay-cluster-token", Metadata.ASCII_STRING_MARSHALLER);

    private final byte[] token;

    public ClusterAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (method.equals(MediaPlaneGrpc.getAudioMethod().getFullMethodName())
                || method.equals(MediaPlaneGrpc.getAudioMuxMethod().getFullMethodName())) {
            return next.startCall(call, headers);
        }
        if (allowed(call, headers)) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription(token.length == 0
                ? "control RPCs are accepted only from loopback unless patchbay.cluster.token is set"
                : "missing or wrong x-patchbay-cluster-token"), new Metadata());
        return new ServerCall.Listener<>() { };
    }

    private boolean allowed(ServerCall<?, ?> call, Metadata headers) {
        if (token.length == 0) {
            return call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) instanceof InetSocketAddress remote
                    && remote.getAddress().isLoopbackAddress();
        }
        String presented = headers.get(TOKEN);
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }
}
