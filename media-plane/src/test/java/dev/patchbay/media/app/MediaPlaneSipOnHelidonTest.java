package dev.patchbay.media.app;

import dev.patchbay.media.grpcserver.GrpcServerKind;
import dev.patchbay.media.testutil.GrpcServedBy;

/** {@link MediaPlaneSipTest}'s calls, with their Control and per-call Audio streams served by Helidon's gRPC server. */
@GrpcServedBy(GrpcServerKind.HELIDON)
class MediaPlaneSipOnHelidonTest extends MediaPlaneSipTest {
}
