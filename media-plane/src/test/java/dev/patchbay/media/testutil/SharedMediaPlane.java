package dev.patchbay.media.testutil;

import dev.patchbay.media.app.MediaPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The base of a test class whose tests share one media-plane and test control-plane, started from
 * {@link MediaPlaneFixture#config()} before the first test and closed after the last.
 */
public abstract class SharedMediaPlane {

    protected static MediaPlaneFixture fixture;
    protected static MediaPlane plane;
    protected static TestControl control;

    @BeforeAll
    static void startSharedMediaPlane() throws Exception {
        fixture = MediaPlaneFixture.start();
        plane = fixture.plane();
        control = fixture.control();
    }

    @AfterAll
    static void stopSharedMediaPlane() {
        fixture.close();
    }
}
