package dev.patchbay.control.media;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.patchbay.proto.media.v1.CallHangup;
import dev.patchbay.proto.media.v1.ControlCommand;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A media node's Control events reach the listener on the links' bounded executor (issue 17, set-up):
 * never on gRPC's default cached pool, which grows a thread per callback waiting. Real gRPC on loopback;
 * the "media node" is a Control service that answers a hello with a burst of events on many streams.
 */
class MediaNodeLinkCallbacksTest {

    private static final int LINKS = 6;
    private static final int EVENTS = 500;

    @Test
    void everyLinksEventsRunOnTheBoundedCallbackThreads() throws Exception {
        Server node = NettyServerBuilder.forPort(0).addService(new MediaPlaneGrpc.MediaPlaneImplBase() {
            @Override
            public StreamObserver<ControlCommand> control(StreamObserver<ControlEvent> out) {
                return new StreamObserver<>() {
                    @Override
                    public void onNext(ControlCommand hello) {
                        for (int i = 0; i < EVENTS; i++) {
                            out.onNext(ControlEvent.newBuilder().setCallId("CA" + i).setHangup(CallHangup.getDefaultInstance()).build());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                };
            }
        }).build().start();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        ExecutorService callbacks = MediaNodeLink.callbackExecutor();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch received = new CountDownLatch(LINKS * EVENTS);
        MediaNodeLink.Listener listener = new MediaNodeLink.Listener() {
            @Override
            public void event(MediaNodeLink link, ControlEvent event) {
                threads.add(Thread.currentThread().getName());
                received.countDown();
            }

            @Override
            public void connected(MediaNodeLink link) {
            }
        };
        MediaNodeLink[] links = new MediaNodeLink[LINKS];
        try {
            for (int i = 0; i < LINKS; i++) {
                links[i] = new MediaNodeLink("127.0.0.1:" + node.getPort(), "r" + i, "", listener, timers, callbacks);
                links[i].connect();
            }
            assertTrue(received.await(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS),
                    "events received: " + (LINKS * EVENTS - received.getCount()) + " of " + LINKS * EVENTS);
            assertTrue(threads.stream().allMatch(t -> t.startsWith("media-link-")), "callback threads: " + threads);
            assertTrue(threads.size() <= MediaNodeLink.CALLBACK_THREADS, "at most " + MediaNodeLink.CALLBACK_THREADS + ": " + threads);
        } finally {
            for (MediaNodeLink l : links) {
                if (l != null) {
                    l.close();
                }
            }
            callbacks.shutdownNow();
            timers.shutdownNow();
            node.shutdownNow();
        }
    }
}
