package dev.patchbay.proto.mux;

import java.io.InputStream;

import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import io.grpc.MethodDescriptor;

/**
 * AudioMux with each message as the stream of its bytes instead of a protobuf object: the same method
 * name and wire format as media.proto, read with {@link MuxDecoder} and written with {@link MuxEncoder}.
 * The media-plane serves it this way and the control-plane's WSS bridge calls it this way; bots use the
 * generated stubs as they are.
 */
public final class RawAudioMux {

    /** Passes the bytes through: gRPC frames them, and the receiver reads them before its onNext returns. */
    private static final MethodDescriptor.Marshaller<InputStream> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream; // gRPC closes it once the listener's onMessage has returned
        }
    };

    private static final MethodDescriptor<InputStream, InputStream> METHOD =
            MediaPlaneGrpc.getAudioMuxMethod().toBuilder(BYTES, BYTES).build();

    private RawAudioMux() {
    }

    /** The AudioMux method on raw bytes, both ways. */
    public static MethodDescriptor<InputStream, InputStream> method() {
        return METHOD;
    }
}
