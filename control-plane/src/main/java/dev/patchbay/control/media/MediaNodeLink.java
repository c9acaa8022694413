package dev.patchbay.control.media;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.patchbay.control.bot.EchoBot;
import dev.patchbay.control.routing.Route;
import dev.patchbay.control.routing.Router;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlCommand;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.ControlHello;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.Reject;
import dev.patchbay.proto.media.v1.RouteDecision;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Channel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

/**
 * This replica's Control stream to one media-plane node. Reconnects with capped backoff, so the
 * processes may start in any order and survive each other's restarts.
 */
public final class MediaNodeLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MediaNodeLink.class.getName());
    private static final Metadata.Key<String> TOKEN =
            Metadata.Key.of("x-patchbay-cluster-token", Metadata.ASCII_STRING_MARSHALLER);

    private final String node;
    private final String replica;
    private final Router router;
    private final ExecutorService routing;
    private final ScheduledExecutorService timers;
    private final ManagedChannel managed;
    private final Channel channel;
    private volatile StreamObserver<ControlCommand> commands;
    private volatile boolean connected;
    private volatile boolean closed;
    private long backoffMillis = 250;

    public MediaNodeLink(String node, String replica, String clusterToken, Router router, ExecutorService routing,
                         ScheduledExecutorService timers) {
        this.node = node;
        this.replica = replica;
        this.router = router;
        this.routing = routing;
        this.timers = timers;
        this.managed = NettyChannelBuilder.forTarget(node).usePlaintext()
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
    }

    /** True while the stream to the node is up. */
    public boolean connected() {
        return commands != null && managed.getState(false) == io.grpc.ConnectivityState.READY;
    }

    public String node() {
        return node;
    }

    private synchronized void send(ControlCommand command) {
        StreamObserver<ControlCommand> out = commands;
        if (out != null) {
            out.onNext(command);
        }
    }

    private void offered(ControlEvent event) {
        String callId = event.getCallId();
        var offer = event.getOffered();
        Route route = router.route(offer);
        RouteDecision.Builder decision = RouteDecision.newBuilder().setCallId(callId);
        switch (route) {
            case Route.Reject r -> decision.setReject(Reject.newBuilder().setSipStatus(r.sipStatus()).setReason(r.reason()));
            case Route.Echo e -> decision.setAnswer(Answer.newBuilder().setBotRef(e.botId()));
        }
        send(ControlCommand.newBuilder().setDecision(decision).build());
        LOG.info(() -> "call " + callId + " from " + offer.getFromUri() + " to " + offer.getRequestUri() + ": " + route);
        if (route instanceof Route.Echo) {
            EchoBot.attach(channel, callId, offer.getAttachToken());
        }
    }

    private final class Events implements StreamObserver<ControlEvent> {
        @Override
        public void onNext(ControlEvent event) {
            if (!connected) {
                connected = true;
                backoffMillis = 250;
            }
            switch (event.getEventCase()) {
                // Routing reads the database: keep it off the gRPC event thread.
                case OFFERED -> routing.execute(() -> {
                    try {
                        offered(event);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "routing call " + event.getCallId() + " failed", e);
                        send(ControlCommand.newBuilder().setDecision(RouteDecision.newBuilder().setCallId(event.getCallId())
                                .setReject(Reject.newBuilder().setSipStatus(500).setReason("routing failed"))).build());
                    }
                });
                case HANGUP -> LOG.info(() -> "call " + event.getCallId() + " ended: " + event.getHangup().getCause()
                        + " " + event.getHangup().getSipStatus() + " " + event.getHangup().getReason()
                        + " (rtp in " + event.getHangup().getStats().getPacketsReceived()
                        + ", out " + event.getHangup().getStats().getPacketsSent() + ")"
                        + (event.getHangup().getRecordingPath().isEmpty() ? "" : ", recording " + event.getHangup().getRecordingPath()));
                case ANSWERED -> LOG.fine(() -> "call " + event.getCallId() + " answered");
                case DTMF -> LOG.info(() -> "call " + event.getCallId() + " dtmf " + event.getDtmf().getDigit()
                        + " (" + event.getDtmf().getSource() + ")");
                case INFO -> LOG.info(() -> "call " + event.getCallId() + " INFO " + event.getInfo().getContentType()
                        + ", " + event.getInfo().getBody().size() + " bytes");
                default -> { }
            }
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
