package dev.patchbay.media.grpc;

import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
 *
 * <p>Callers (SIP threads, timers, media loops) only enqueue: each stream's events wait in a bounded
 * queue that one thread, {@code control-send}, hands to gRPC while its transport is ready. Serialising
 * and framing no longer happen under a lock on the caller's thread, where a preempted holder stalled
 * every INVITE behind it (docs/bench/fixes.md, 2026-12-07). A full queue refuses new offers (the call gets
 * 503) before it refuses events of calls already offered.
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
    private final int sendQueue;
    private final int offerRoom;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("control-send").daemon(true).factory());
    private final LongAdder offersRefused = new LongAdder();
    private final LongAdder eventsDropped = new LongAdder();

    /**
     * With {@code sendQueue} events per stream at most ({@code patchbay.grpc.control-queue}), offers up to
     * half of them, so the calls already offered always have room for their answers and hang-ups.
     */
    public ControlHub(CallManager calls, int sendQueue) {
        this.calls = calls;
        this.sendQueue = sendQueue;
        this.offerRoom = Math.max(1, sendQueue / 2);
    }

    StreamObserver<ControlCommand> open(StreamObserver<ControlEvent> out) {
        return new ControlStream((ServerCallStreamObserver<ControlEvent>) out);
    }

    public int connected() {
        return streams.size();
    }

    /** Offers refused because the chosen replica's stream was backed up, since start. */
    public long offersRefused() {
        return offersRefused.sum();
    }

    /** Events other than hang-ups dropped because no stream had room for them, since start. */
    public long eventsDropped() {
        return eventsDropped.sum();
    }

    @Override
    public Offer offer(Call call, CallOffered offered) {
        ControlStream stream = pick();
        if (stream == null) {
            return Offer.NO_CONTROL_PLANE;
        }
        call.owner(stream); // before it leaves: the decision's events may be raised on other threads at once
        if (stream.send(ControlEvent.newBuilder().setCallId(call.id()).setUnixMillis(System.currentTimeMillis())
                .setOffered(offered).build(), offerRoom)) {
            return Offer.SENT;
        }
        if (stream.closed) {
            return Offer.NO_CONTROL_PLANE;
        }
        offersRefused.increment();
        return Offer.BACKED_UP;
    }

    @Override
    public void event(Call call, ControlEvent.Builder event) {
        if (call.silent()) {
            return; // a bridge's second leg: its caller's call reports the bridge
        }
        ControlEvent e = event.setCallId(call.id()).setUnixMillis(System.currentTimeMillis()).build();
        if (call.owner() instanceof ControlStream owner && owner.send(e, sendQueue)) {
            return;
        }
        reroute(e);
    }

    /** To any replica with room; a hang-up nobody can take is kept for the next, anything else dropped. */
    private void reroute(ControlEvent e) {
        ControlStream other = pick();
        if (other != null && other.send(e, sendQueue)) {
            return;
        }
        LOG.fine(() -> "no control-plane connected with room to receive " + e.getEventCase() + " for " + e.getCallId());
        if (e.getEventCase() == ControlEvent.EventCase.HANGUP) {
            // The oldest goes first when full: a bound, because no replica may ever come.
            while (!undelivered.offer(e)) {
                undelivered.poll();
            }
        } else {
            eventsDropped.increment();
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
        sender.shutdown();
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
            if (!to.send(e, sendQueue)) {
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

    /**
     * One replica's stream. Many threads raise call events; they only queue them, and the hub's sender
     * thread writes them (under this stream's monitor, which only it, the end and the failure take).
     */
    private final class ControlStream implements StreamObserver<ControlCommand> {

        private final ServerCallStreamObserver<ControlEvent> out;
        private final Queue<ControlEvent> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger queued = new AtomicInteger();
        /** Drain requests not yet seen by the drain: it runs when this goes from 0, and until it is 0 again. */
        private final AtomicInteger drains = new AtomicInteger();
        private volatile boolean closed;
        private String replica = "?";

        ControlStream(ServerCallStreamObserver<ControlEvent> out) {
            this.out = out;
            out.setOnCancelHandler(this::gone);
            out.setOnReadyHandler(this::drainSoon);
        }

        /** Queues {@code event} unless {@code limit} events already wait. Never blocks. */
        boolean send(ControlEvent event, int limit) {
            if (closed) {
                return false;
            }
            if (queued.incrementAndGet() > limit) {
                queued.decrementAndGet();
                return false;
            }
            queue.add(event);
            if (closed) {
                rescue(); // it went while we queued: nobody will write this
            } else {
                drainSoon();
            }
            return true;
        }

        private void drainSoon() {
            if (drains.getAndIncrement() == 0) {
                try {
                    sender.execute(this::drain);
                } catch (RejectedExecutionException stopping) {
                    drains.set(0); // closeAll has ended the stream, with what was queued
                }
            }
        }

        private void drain() {
            int seen = 1;
            do {
                synchronized (this) {
                    write(false);
                }
                if (queue.isEmpty() && !closed && !undelivered.isEmpty()) {
                    flushUndelivered(this); // hang-ups that found every queue full wait no longer than this
                }
                seen = drains.addAndGet(-seen);
            } while (seen != 0);
        }

        /** Hands queued events to gRPC while its transport takes more ({@code all}: regardless). Holds this. */
        private void write(boolean all) {
            while (!closed && (all || out.isReady())) {
                ControlEvent e = queue.poll();
                if (e == null) {
                    return;
                }
                queued.decrementAndGet();
                try {
                    out.onNext(e);
                } catch (RuntimeException failed) {
                    gone();
                    reroute(e);
                }
            }
        }

        /** Gives the hang-ups still queued on a stream that has gone to another replica, or to the next. */
        private void rescue() {
            for (ControlEvent e = queue.poll(); e != null; e = queue.poll()) {
                queued.decrementAndGet();
                if (e.getEventCase() == ControlEvent.EventCase.HANGUP) {
                    reroute(e);
                } else {
                    eventsDropped.increment();
                }
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
            write(true); // the hang-ups already queued go first
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
                rescue();
            }
        }
    }
}
