package dev.patchbay.media.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.patchbay.media.app.MediaConfig;
import dev.patchbay.media.app.MediaPlane;

/**
 * A media-plane on loopback with a test control-plane connected to it: what the app tests start
 * from. Its settings are the shipped defaults with free ports, one media loop, timers short enough
 * for tests, TLS off and a fresh recordings folder; a test changes more with the withers.
 */
public final class MediaPlaneFixture implements AutoCloseable {

    private static final Duration CONNECT = Duration.ofSeconds(10);

    private final MediaConfig config;
    private final MediaPlane plane;
    private final TestControl control;

    private MediaPlaneFixture(MediaConfig config, MediaPlane plane, TestControl control) {
        this.config = config;
        this.plane = plane;
        this.control = control;
    }

    /** Test settings on {@code sipPort}, with 100 RTP ports from {@code rtpBase}. */
    public static MediaConfig config(int sipPort, int rtpBase) {
        MediaConfig d = MediaConfig.defaults();
        return d.withSipHost("127.0.0.1").withSipPort(sipPort).withSipThreads(4)
                .withRtpHost("127.0.0.1").withRtpPorts(rtpBase, rtpBase + 99).withMediaLoops(1)
                .withGrpcHost("127.0.0.1").withGrpcPort(0).withObservePort(0)
                .withRouteTimeout(Duration.ofSeconds(5)).withRingTimeout(Duration.ofSeconds(10))
                .withAckTimeout(Duration.ofSeconds(5)).withDrainTimeout(Duration.ofSeconds(2))
                .withReattachGrace(Duration.ofSeconds(2)).withTls(d.tls().withPort(0)).withRecordings(recordingDir())
                .withSipWarmup(d.sipWarmup().withInvites(0)); // SipWarmupTest rehearses; other tests start at once
    }

    /** Test settings on free ports. */
    public static MediaConfig config() {
        return config(Ports.freeUdpAndTcp(), Ports.rtpBase(100));
    }

    /** A fresh folder for a test's recordings. */
    public static Path recordingDir() {
        try {
            return Files.createTempDirectory("patchbay-rec");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary recordings folder", e);
        }
    }

    /** Starts a media-plane on {@link #config()} and waits for the test control-plane's stream. */
    public static MediaPlaneFixture start() throws Exception {
        return start(config());
    }

    /** Starts a media-plane on {@code config} and waits for the test control-plane's stream. */
    public static MediaPlaneFixture start(MediaConfig config) throws Exception {
        MediaPlane plane = MediaPlane.start(config);
        TestControl control = new TestControl(plane.grpcPort());
        try {
            Await.until(() -> plane.hub().connected() == 1, CONNECT, "the test control stream to register");
        } catch (InterruptedException | RuntimeException | AssertionError e) {
            control.close();
            plane.close();
            throw e;
        }
        return new MediaPlaneFixture(config, plane, control);
    }

    public MediaConfig settings() {
        return config;
    }

    public MediaPlane plane() {
        return plane;
    }

    public TestControl control() {
        return control;
    }

    @Override
    public void close() {
        control.close();
        plane.close();
    }
}
