package dev.patchbay.media.testutil;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.patchbay.media.grpcserver.GrpcServerKind;

/**
 * The gRPC server a {@link SharedMediaPlane} test class runs on; without it, the shipped default. A
 * subclass that only adds this runs its parent's tests again on the other server.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface GrpcServedBy {
    GrpcServerKind value();
}
