package dev.patchbay.media.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.Reject;
import dev.patchbay.proto.media.v1.RouteDecision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of real SIPp calls through a small RTP range: every port must come back, whether the
 * call was answered and hung up or refused.
 */
class PortLeakTest {

    @Test
    void twoThousandCallsLeaveEveryRtpPortFree() throws Exception {
        MediaConfig base = MediaPlaneFixture.config();
        // thousands of calls a second from one address: the per-source limit would be the test
        MediaConfig config = base.withSipGuard(base.sipGuard().withLimit(0, 0));
        try (MediaPlaneFixture media = MediaPlaneFixture.start(config)) {
            MediaPlane plane = media.plane();
            TestControl control = media.control();
            int capacity = plane.calls().ports().capacity();
            assertEquals(50, capacity, "100 ports give 50 even RTP ports, so each is reused many times");

            AtomicInteger offers = new AtomicInteger();
            AtomicInteger hangups = new AtomicInteger();
            AtomicInteger decision = new AtomicInteger();
            Thread responder = Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        ControlEvent e = control.events.poll(100, TimeUnit.MILLISECONDS);
                        if (e == null) {
                            continue;
                        }
                        switch (e.getEventCase()) {
                            case OFFERED -> {
                                offers.incrementAndGet();
                                RouteDecision.Builder d = RouteDecision.newBuilder().setCallId(e.getCallId());
                                // Every fifth call is refused, so the refusal path is exercised too.
                                if (decision.incrementAndGet() % 5 == 0) {
                                    d.setReject(Reject.newBuilder().setSipStatus(486).setReason("busy here"));
                                } else {
                                    d.setAnswer(Answer.getDefaultInstance());
                                }
                                control.decide(d);
                            }
                            case HANGUP -> hangups.incrementAndGet();
                            default -> { }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            Path dir = Sipp.workDir();
            Sipp.Result r = Sipp.run(dir, List.of("-sn", "uac", "127.0.0.1:" + config.sipPort(), "-s", "load",
                    "-m", "2000", "-r", "250", "-l", "30", "-d", "0", "-i", "127.0.0.1",
                    "-p", Integer.toString(Ports.freeUdpAndTcp()), "-mp", Integer.toString(Ports.rtpBase(2))));
            // SIPp's uac counts the 486s as failed calls, so its exit code is not the verdict; its totals are.
            java.util.regex.Matcher ok = java.util.regex.Pattern.compile("Successful call\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)")
                    .matcher(r.output());
            assertTrue(ok.find(), r.output());
            assertEquals(1600, Integer.parseInt(ok.group(1)), "four in five calls are answered and complete: " + r.output());

            Await.until(() -> hangups.get() == 2000, Duration.ofSeconds(20), "2000 hang-up events, got " + hangups.get());
            responder.interrupt();
            assertEquals(2000, offers.get());
            Await.until(() -> plane.calls().activeCalls() == 0, Duration.ofSeconds(5), "no calls left");
            assertEquals(capacity, plane.calls().ports().available(), "every RTP port is back in the pool");
        }
    }
}
