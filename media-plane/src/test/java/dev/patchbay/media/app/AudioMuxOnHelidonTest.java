package dev.patchbay.media.app;

import dev.patchbay.media.grpcserver.GrpcServerKind;
import dev.patchbay.media.testutil.GrpcServedBy;

/** {@link AudioMuxTest}'s AudioMux and Control streams served by Helidon's gRPC server. */
@GrpcServedBy(GrpcServerKind.HELIDON)
class AudioMuxOnHelidonTest extends AudioMuxTest {
}
