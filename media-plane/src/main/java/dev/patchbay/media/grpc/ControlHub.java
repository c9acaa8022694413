package dev.patchbay.media.grpc;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import dev.patchbay.media.botaudio.MuxSession;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.ControlChannel;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.ControlCommand;
import dev.patchbay.proto.media.v1.ControlEvent;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The control-plane replicas connected to this node. Offers are spread round-robin; each call's
 * events go back to the replica that took it, or to another one if that replica has gone, which is
 * how a surviving replica takes over the calls of a dead one. A hang-up that finds no replica at all
 * waits for the next one to connect.
 */
public final class ControlHub implements ControlChannel {

    private static final Logger LOG = Logger.getLogger(ControlHub.class.getName());

    /** Hang-ups nobody could be told of: kept for the next replica so no call record stays open. */
    static final int UNDELIVERED_HANGUPS = 10_000;

    private final List<ControlStream> streams = new CopyOnWriteArrayList<>();
    /** The replicas' AudioMux streams: as long-lived as their Control streams, and ended with them. */
    private final Set<MuxSession> muxes = ConcurrentHashMap.newKeySet();
    private final ArrayBlockingQueue<ControlEvent> undelivered = new ArrayBlockingQueue<>(UNDELIVERED_HANGUPS);
    private final AtomicInteger next = new AtomicInteger();
    /**
     * Set by {@link #closeAll}: a replica reconnects the moment its stream ends, and gRPC's graceful
     * shutdown still admits streams until its second GOAWAY, so the hub itself refuses them.
     */
    private volatile boolean closing;
    private final CallManager calls;

    public ControlHub(CallManager calls) {
        this.calls = calls;
    }

    StreamObserver<ControlCommand> open(StreamObserver<ControlEvent> out) {
        return new ControlStream((ServerCallStreamObserver<ControlEvent>) out);
    }

    public int connected() {
        return streams.size();
    }

    @Override
    public boolean offer(Call call, CallOffered offered) {
        ControlStream stream = pick();
        if (stream == null) {
            return false;
        }
        call.owner(stream);
        return stream.send(ControlEvent.newBuilder().setCallId(call.id()).setUnixMillis(System.currentTimeMillis())
                .setOffered(offered).build());
    }

    @Override
    public void event(Call call, ControlEvent.Builder event) {
        if (call.silent()) {
            return; // a bridge's second leg: its caller's call reports the bridge
        }
        ControlEvent e = event.setCallId(call.id()).setUnixMillis(System.currentTimeMillis()).build();
        if (call.owner() instanceof ControlStream owner && owner.send(e)) {
            return;
        }
        ControlStream other = pick();
        if (other == null || !other.send(e)) {
            LOG.fine(() -> "no control-plane connected to receive " + e.getEventCase() + " for " + call);
            if (e.getEventCase() == ControlEvent.EventCase.HANGUP) {
                // The oldest goes first when full: a bound, because no replica may ever come.
                while (!undelivered.offer(e)) {
                    undelivered.poll();
                }
            }
        }
    }

    /**
     * Ends every replica's stream, after the hang-ups already sent on it: at shutdown, so the gRPC
     * server stops at once instead of waiting out streams a replica would keep open forever.
     */
    public void closeAll() {
        List<ControlStream> open;
        List<MuxSession> openMuxes;
        synchronized (this) { // a HELLO or a new mux either got in before this, and is ended below, or sees closing
            closing = true;
            open = List.copyOf(streams);
            openMuxes = List.copyOf(muxes);
        }
        for (ControlStream s : open) {
            s.end();
        }
        for (MuxSession m : openMuxes) {
            m.end();
        }
    }

    /** A replica's AudioMux stream, ended by {@link #closeAll} unless it ends first ({@link #untrack}). */
    void track(MuxSession mux) {
        boolean refused;
        synchronized (this) {
            refused = closing;
            if (!refused) {
                muxes.add(mux);
            }
        }
        if (refused) {
            mux.end(); // opened as the node stops: ended at once rather than left for gRPC to cut
        }
    }

    void untrack(MuxSession mux) {
        muxes.remove(mux);
    }

    /** Hands the hang-ups that happened while no replica listened to one that has just said hello. */
    private void flushUndelivered(ControlStream to) {
        for (ControlEvent e = undelivered.poll(); e != null; e = undelivered.poll()) {
            if (!to.send(e)) {
                undelivered.offer(e);
                return;
            }
        }
    }

    private ControlStream pick() {
        List<ControlStream> live = streams;
        int n = live.size();
        for (int i = 0; i < n; i++) {
            try {
                ControlStream s = live.get(Math.floorMod(next.getAndIncrement(), live.size()));
                if (!s.closed) {
                    return s;
                }
            } catch (IndexOutOfBoundsException raced) {
                // a stream left while we looked; try again with the new size
            }
        }
        return null;
    }

    /** One replica's stream. Writes are serialised because many threads raise call events. */
    private final class ControlStream implements StreamObserver<ControlCommand> {

        private final ServerCallStreamObserver<ControlEvent> out;
        private volatile boolean closed;
        private String replica = "?";

        ControlStream(ServerCallStreamObserver<ControlEvent> out) {
            this.out = out;
            out.setOnCancelHandler(this::gone);
        }

        synchronized boolean send(ControlEvent event) {
            if (closed) {
                return false;
            }
            try {
                out.onNext(event);
                return true;
            } catch (RuntimeException e) {
                gone();
                return false;
            }
        }

        @Override
        public void onNext(ControlCommand command) {
            switch (command.getCommandCase()) {
                case HELLO -> {
                    replica = command.getHello().getReplicaId();
                    boolean added = false;
                    synchronized (ControlHub.this) {
                        if (!closing && !streams.contains(this)) {
                            streams.add(this);
                            added = true;
                        }
                    }
                    if (closing && !added) {
                        fail(Status.UNAVAILABLE.withDescription("this media node is stopping; use another"));
                        return;
                    }
                    if (added) {
                        LOG.info(() -> "control-plane " + replica + " connected");
                        flushUndelivered(this);
                    }
                }
                case DECISION -> {
                    if (!streams.contains(this)) {
                        fail(Status.FAILED_PRECONDITION.withDescription("send ControlHello before any decision"));
                        return;
                    }
                    calls.decide(command.getDecision());
                }
                default -> fail(Status.INVALID_ARGUMENT.withDescription("empty ControlCommand"));
            }
        }

        private synchronized void fail(Status status) {
            if (!closed) {
                gone();
                out.onError(status.asRuntimeException());
            }
        }

        @Override
        public void onError(Throwable t) {
            gone();
        }

        @Override
        public synchronized void onCompleted() {
            end();
        }

        /** Ends our side once, whoever asks first: the replica's half-close or our shutdown. */
        synchronized void end() {
            if (closed) {
                return;
            }
            gone();
            try {
                out.onCompleted();
            } catch (RuntimeException e) {
                LOG.fine(() -> "control stream of " + replica + " was already closed: " + e.getMessage());
            }
        }

        private void gone() {
            if (!closed) {
                closed = true;
                streams.remove(this);
                LOG.info(() -> "control-plane " + replica + " disconnected");
            }
        }
    }
}
