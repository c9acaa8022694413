package dev.patchbay.media.grpcserver;

import java.util.Locale;

/** Which gRPC server serves the media-plane's Control and bot audio streams ({@code patchbay.grpc.server}). */
public enum GrpcServerKind {
    /** grpc-java's Netty server: the one with backpressure the mux can read (see docs/benchmarks.md, 2026-12-07). */
    NETTY,
    /** Helidon's gRPC server on a Helidon WebServer socket. */
    HELIDON;

    /** {@code netty} or {@code helidon}, any case; anything else names the key and the choices. */
    public static GrpcServerKind parse(String value) {
        for (GrpcServerKind kind : values()) {
            if (kind.name().equalsIgnoreCase(value.strip())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("patchbay.grpc.server must be netty or helidon, got \"" + value
                + "\"; set it (env PATCHBAY_GRPC_SERVER) to one of those");
    }

    /** The value as written in the configuration. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
