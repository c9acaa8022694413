package dev.patchbay.media.botaudio;

import java.io.InputStream;

import dev.patchbay.proto.mux.RawAudioMux;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;

/**
 * AudioMux as the server runs it: the same method name and wire format as media.proto, with each
 * message handed over as the stream of its bytes instead of parsed into (and built from) protobuf
 * objects, so {@link MuxSession} reads and writes them in place. Bots use the generated stubs as they are.
 */
public final class MuxMethod {

    private MuxMethod() {
    }

    /** {@code generated} with its AudioMux method served by {@code handler} on raw bytes. */
    public static ServerServiceDefinition replaceIn(ServerServiceDefinition generated, ServerCallHandler<InputStream, InputStream> handler) {
        MethodDescriptor<InputStream, InputStream> raw = RawAudioMux.method();
        ServiceDescriptor service = generated.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(service.getName())
                .setSchemaDescriptor(service.getSchemaDescriptor());
        for (MethodDescriptor<?, ?> m : service.getMethods()) {
            descriptor.addMethod(m.getFullMethodName().equals(raw.getFullMethodName()) ? raw : m);
        }
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(descriptor.build());
        for (ServerMethodDefinition<?, ?> m : generated.getMethods()) {
            if (!m.getMethodDescriptor().getFullMethodName().equals(raw.getFullMethodName())) {
                definition.addMethod(m);
            }
        }
        return definition.addMethod(raw, handler).build();
    }
}
