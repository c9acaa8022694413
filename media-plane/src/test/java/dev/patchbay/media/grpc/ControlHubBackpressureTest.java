package dev.patchbay.media.grpc;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallPolicy;
import dev.patchbay.media.call.CallSignalling;
import dev.patchbay.media.call.ControlChannel.Offer;
import dev.patchbay.media.loop.NanoClock;
import dev.patchbay.media.record.RecordingWriter;
import dev.patchbay.media.rtp.RtpPortPool;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.proto.media.v1.CallHangup;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.ControlCommand;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.ControlHello;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.SipHeader;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Control stream under a control-plane that stops reading (issue 17, set-up): the SIP threads only
 * queue, a full queue refuses the next offer at once (the call gets 503 with its reason, and is counted),
 * and once the replica reads again every queued event reaches it, in order. Real gRPC on loopback; the
 * replica is a raw client whose reads the test holds back.
 */
class ControlHubBackpressureTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Events per stream: small, so a test fills it with a handful of calls. */
    private static final int QUEUE = 8;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final RecordingWriter recordings = new RecordingWriter();
    private final int rtp = Ports.rtpBase(4);
    private final CallManager calls = new CallManager(new RtpPortPool("127.0.0.1", rtp, rtp + 3), List.of(), timers,
            new CallPolicy(100_000, 50, Duration.ofSeconds(30), null, null, null, 200, null, null), recordings, NanoClock.SYSTEM);
    private final ControlHub hub = new ControlHub(calls, QUEUE);
    /** Final responses the "SIP stack" was asked to send: status and reason. */
    private final List<String> rejected = new CopyOnWriteArrayList<>();
    private final ExecutorService sipThread = Executors.newSingleThreadExecutor();
    private final BlockingQueue<ControlEvent> received = new LinkedBlockingQueue<>();
    private final AtomicReference<ClientCallStreamObserver<ControlCommand>> replica = new AtomicReference<>();
    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        hub.closeAll();
        sipThread.shutdownNow();
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
        timers.shutdownNow();
        recordings.close();
    }

    @Test
    void aBackedUpStreamRefusesTheNextOfferAt503WithoutBlockingAndDeliversEverythingQueuedOnceRead() throws Exception {
        calls.connect(rejections(), hub);
        connectReplicaThatDoesNotRead();

        // Offers from one "SIP thread" until one is refused. gRPC's own buffer and the transport's window
        // take some first; the queue's offer half takes the rest. Each returns without waiting.
        Future<List<Call>> offered = sipThread.submit(() -> {
            List<Call> sent = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                Call call = calls.newCall("sip-" + i, null, "127.0.0.1", null);
                calls.offer(call, bigOffer(i));
                if (!rejected.isEmpty()) {
                    return sent;
                }
                sent.add(call);
            }
            return sent;
        });
        List<Call> sent = offered.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(List.of("503 the control-plane's stream is backed up; retry shortly"), rejected,
                "the offer that found the queue full is refused at once, with its reason");
        assertEquals(1, hub.offersRefused());
        assertTrue(sent.size() < 1_000, "the backlog is bounded: " + sent.size() + " offers went before one was refused");

        // A call already offered still has room for its events, though offers have none.
        Call first = sent.getFirst();
        hub.event(first, ControlEvent.newBuilder().setHangup(CallHangup.newBuilder().setCause(HangupCause.CALLER_CANCEL)));

        replica.get().request(Integer.MAX_VALUE);
        List<String> expected = new ArrayList<>();
        sent.forEach(c -> expected.add("OFFERED " + c.id()));
        expected.add("HANGUP " + first.id());
        List<String> got = new ArrayList<>();
        Await.until(() -> {
            for (ControlEvent e = received.poll(); e != null; e = received.poll()) {
                got.add(e.getEventCase() + " " + e.getCallId());
            }
            return got.size() >= expected.size();
        }, WAIT, "every queued event to reach the replica");
        assertEquals(expected, got, "every offer sent, then the hang-up, in order; nothing of the refused call");
        assertEquals(0, hub.eventsDropped());

        // Drained: the next offer goes.
        Call after = calls.newCall("sip-after", null, "127.0.0.1", null);
        assertEquals(Offer.SENT, hub.offer(after, bigOffer(-1)));
    }

    /** A replica that says hello and then reads nothing until the test asks; the transport's window is small. */
    private void connectReplicaThatDoesNotRead() throws Exception {
        server = NettyServerBuilder.forPort(0).addService(new MediaPlaneGrpc.MediaPlaneImplBase() {
            @Override
            public StreamObserver<ControlCommand> control(StreamObserver<ControlEvent> out) {
                return hub.open(out);
            }
        }).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().flowControlWindow(16 * 1024).build();
        StreamObserver<ControlCommand> commands = MediaPlaneGrpc.newStub(channel).control(new ClientResponseObserver<ControlCommand, ControlEvent>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ControlCommand> stream) {
                stream.disableAutoRequestWithInitial(0);
                replica.set(stream);
            }

            @Override
            public void onNext(ControlEvent value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        commands.onNext(ControlCommand.newBuilder().setHello(ControlHello.newBuilder().setReplicaId("slow")).build());
        Await.until(() -> hub.connected() == 1, WAIT, "the replica's hello");
    }

    /** An offer of about 4 kB, as an INVITE with many headers makes: the window fills after a few. */
    private static CallOffered bigOffer(int i) {
        CallOffered.Builder b = CallOffered.newBuilder().setRequestUser("echo").setSipCallId("sip-" + i);
        for (int h = 0; h < 32; h++) {
            b.addHeaders(SipHeader.newBuilder().setName("X-Filler-" + h).setValue("v".repeat(120)));
        }
        return b.build();
    }

    /** The SIP side: records each final response asked for; the rest of the interface is not used here. */
    private CallSignalling rejections() {
        return (CallSignalling) Proxy.newProxyInstance(CallSignalling.class.getClassLoader(), new Class<?>[] {CallSignalling.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("reject")) {
                        rejected.add(args[1] + " " + args[2]);
                        return null;
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0] : method.getName().equals("hashCode")
                                ? System.identityHashCode(proxy) : "rejections";
                    }
                    throw new UnsupportedOperationException(method.getName() + " is not part of this test");
                });
    }
}
