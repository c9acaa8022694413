package dev.patchbay.control.media;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.patchbay.proto.media.v1.ControlCommand;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.ControlHello;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.RouteDecision;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

/**
 * This replica's Control stream to one media-plane node, and the channel its bots and RPCs use.
 * Reconnects with capped backoff, so the processes may start in any order and survive each
 * other's restarts. What the events mean is the {@link Listener}'s business.
 */
public final class MediaNodeLink implements AutoCloseable {

    /** Receives a node's events on the gRPC thread; must not block. */
    public interface Listener {
        void event(MediaNodeLink link, ControlEvent event);

        /** The stream is up again after start or a loss: time to re-attach what this replica owns. */
        void connected(MediaNodeLink link);
    }

    private static final Logger LOG = Logger.getLogger(MediaNodeLink.class.getName());
    /**
     * Threads running every link's gRPC callbacks (Control events, bots' streams, RPC replies). Callbacks
     * must not block, so a few per core do; gRPC's default, a cached pool, grew a thread per callback in a
     * set-up burst on a starved box instead of queueing them.
     */
    static final int CALLBACK_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    private static final Metadata.Key<String> TOKEN =
            Metadata.Key.of("x-patchbay-cluster-token", Metadata.ASCII_STRING_MARSHALLER);

    private final String node;
    private final String replica;
    private final Listener listener;
    private final ScheduledExecutorService timers;
    private final ManagedChannel managed;
    private final Channel channel;
    private volatile StreamObserver<ControlCommand> commands;
    private volatile boolean connected;
    private volatile boolean closed;
    private long backoffMillis = 250;

    /** The bounded executor the links' channels run their callbacks on; its owner shuts it down after them. */
    public static ExecutorService callbackExecutor() {
        return Executors.newFixedThreadPool(CALLBACK_THREADS, Thread.ofPlatform().name("media-link-", 0).daemon(true).factory());
    }

    /** @param callbacks where the channel runs its callbacks: {@link #callbackExecutor()}, shared by the links */
    public MediaNodeLink(String node, String replica, String clusterToken, Listener listener,
                         ScheduledExecutorService timers, Executor callbacks) {
        this.node = node;
        this.replica = replica;
        this.listener = listener;
        this.timers = timers;
        this.managed = NettyChannelBuilder.forTarget(node).usePlaintext().executor(callbacks)
                .keepAliveTime(20, TimeUnit.SECONDS).keepAliveWithoutCalls(true).build();
        Metadata md = new Metadata();
        if (!clusterToken.isEmpty()) {
            md.put(TOKEN, clusterToken);
        }
        this.channel = ClientInterceptors.intercept(managed, MetadataUtils.newAttachHeadersInterceptor(md));
    }

    public void connect() {
        if (closed) {
            return;
        }
        StreamObserver<ControlCommand> out = MediaPlaneGrpc.newStub(channel).control(new Events());
        commands = out;
        send(ControlCommand.newBuilder().setHello(ControlHello.newBuilder().setReplicaId(replica)).build());
        // The media-plane answers a hello with nothing, so "connected" is known once the channel is READY.
        awaitReady(out, 0);
    }

    private void awaitReady(StreamObserver<ControlCommand> stream, int tries) {
        if (closed || commands != stream) {
            return;
        }
        if (managed.getState(false) == ConnectivityState.READY) {
            if (!connected) {
                connected = true;
                backoffMillis = 250;
                listener.connected(this);
            }
            return;
        }
        if (tries < 200) {
            timers.schedule(() -> awaitReady(stream, tries + 1), 50, TimeUnit.MILLISECONDS);
        }
    }

    /** True while the stream to the node is up. */
    public boolean connected() {
        return connected && commands != null && managed.getState(false) == ConnectivityState.READY;
    }

    /** The node's gRPC address, as configured; also what call records name as the media node. */
    public String node() {
        return node;
    }

    /** For bots and call-control RPCs to this node; carries the cluster token. */
    public Channel channel() {
        return channel;
    }

    public void decide(RouteDecision.Builder decision) {
        send(ControlCommand.newBuilder().setDecision(decision).build());
    }

    private synchronized void send(ControlCommand command) {
        StreamObserver<ControlCommand> out = commands;
        if (out != null) {
            out.onNext(command);
        }
    }

    private final class Events implements StreamObserver<ControlEvent> {
        @Override
        public void onNext(ControlEvent event) {
            listener.event(MediaNodeLink.this, event);
        }

        @Override
        public void onError(Throwable t) {
            lost("lost: " + t.getMessage());
        }

        @Override
        public void onCompleted() {
            lost("closed by the media-plane");
        }

        private void lost(String why) {
            boolean was = connected;
            connected = false;
            commands = null;
            if (closed) {
                return;
            }
            if (was) {
                LOG.warning(() -> "media-plane " + node + " " + why + "; reconnecting");
            } else {
                LOG.fine(() -> "media-plane " + node + " not reachable yet: " + why);
            }
            long delay = backoffMillis;
            backoffMillis = Math.min(backoffMillis * 2, 5_000);
            timers.schedule(MediaNodeLink.this::connect, delay, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        closed = true;
        StreamObserver<ControlCommand> out = commands;
        if (out != null) {
            try {
                out.onCompleted();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        managed.shutdown();
    }
}
