package dev.patchbay.media.testutil;

import dev.patchbay.media.app.MediaPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * The base of a test class whose tests share one media-plane and test control-plane, started from
 * {@link MediaPlaneFixture#config()} before the first test and closed after the last, on the gRPC
 * server the class names with {@link GrpcServedBy}.
 */
public abstract class SharedMediaPlane {

    protected static MediaPlaneFixture fixture;
    protected static MediaPlane plane;
    protected static TestControl control;

    @BeforeAll
    static void startSharedMediaPlane(TestInfo test) throws Exception {
        GrpcServedBy servedBy = test.getTestClass().orElseThrow().getAnnotation(GrpcServedBy.class);
        fixture = servedBy == null ? MediaPlaneFixture.start()
                : MediaPlaneFixture.start(MediaPlaneFixture.config().withGrpcServer(servedBy.value()));
        plane = fixture.plane();
        control = fixture.control();
    }

    @AfterAll
    static void stopSharedMediaPlane() {
        fixture.close();
    }
}
