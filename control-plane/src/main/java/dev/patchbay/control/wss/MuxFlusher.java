package dev.patchbay.control.wss;

import java.io.InputStream;
import java.util.logging.Logger;

import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.MuxLeave;
import dev.patchbay.proto.mux.MuxEncoder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The sending side of a {@link BridgeMux}: every bridge's bot messages go into one pending batch, which this
 * thread sends whenever it wakes to find something there and the node's stream ready (gRPC's onReady). So at
 * most one batch waits in gRPC's buffers and a node that reads slowly leaves its backlog here, bounded: bot
 * audio that would take the batch past {@code maxBytes} is dropped and counted; attach, leave, clear and mark
 * never are. Producers write one encoder while this sends the other, so gRPC's copy never blocks them.
 */
final class MuxFlusher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MuxFlusher.class.getName());

    private final String name;
    private final int maxBytes;
    private final Runnable droppedAtFullBatchMeter;
    private final Thread thread;
    private MuxEncoder pending = new MuxEncoder();      // guarded by this
    private MuxEncoder spare = new MuxEncoder();        // guarded by this; null while the thread sends it
    private StreamObserver<InputStream> stream;         // guarded by this; null while no stream is open
    private boolean closed;                             // guarded by this
    private long droppedAtFullBatch;                    // guarded by this

    /**
     * @param name    the node's address, for logs
     * @param dropped counts each bot frame dropped at the full batch (the process's metrics)
     */
    MuxFlusher(String name, int maxBytes, Runnable dropped) {
        this.name = name;
        this.maxBytes = maxBytes;
        this.droppedAtFullBatchMeter = dropped;
        this.thread = Thread.ofVirtual().name("wss-mux " + name).start(this::loop);
    }

    /** Batches go to {@code to} from now on; null (the stream broke) drops what was written for the old one. */
    synchronized void stream(StreamObserver<InputStream> to) {
        stream = to;
        if (to == null) {
            pending.reset();
        }
        notifyAll();
    }

    /** Copies bot audio into the batch, or drops and counts it when the batch is full. */
    synchronized void audio(int channel, byte[] bytes, int length) {
        if (pending.size() + length > maxBytes) {
            if (droppedAtFullBatch++ == 0) {
                LOG.warning(() -> "WSS bridges' audio mux to " + name + ": the node has not read for a while and "
                        + (maxBytes >> 10) + " KB of bot audio wait; dropping newer bot frames (counted, logged once;"
                        + " patchbay.control.bridge.mux-batch-bytes); check the media node's CPU and the network to it");
            }
            droppedAtFullBatchMeter.run();
            return;
        }
        pending.audio(channel, bytes, 0, length, 0, 0, 0);
        notify();
    }

    synchronized void message(int channel, BotToCaller message) {
        pending.message(channel, message);
        notify();
    }

    synchronized void leave(int channel) {
        pending.leave(channel, MuxLeave.DETACH_VALUE);
        notify();
    }

    /** The stream turned ready (its onReady handler). */
    synchronized void wake() {
        notifyAll();
    }

    synchronized long droppedAtFullBatch() {
        return droppedAtFullBatch;
    }

    synchronized int pendingBytes() {
        return pending.size();
    }

    private void loop() {
        while (true) {
            MuxEncoder batch;
            StreamObserver<InputStream> to;
            synchronized (this) {
                while (!closed && (pending.count() == 0 || stream == null || !ready(stream))) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                batch = pending;
                pending = spare;
                spare = null;
                to = stream;
            }
            try {
                to.onNext(batch.stream()); // ready: gRPC copies the bytes before this returns
            } catch (RuntimeException e) {
                LOG.fine(() -> "audio mux to " + name + ": a batch for a closed stream: " + e);
            }
            batch.reset();
            synchronized (this) {
                spare = batch;
            }
        }
    }

    /**
     * True when the stream has its transport and gRPC holds under its 32 KB mark of unsent bytes. Only then
     * is a batch sent: gRPC then copies it before {@code onNext} returns (until the call has its transport,
     * with the channel still connecting, gRPC would keep the encoder's stream and drain it later), and a
     * node that reads slowly leaves the backlog here, bounded, instead of in gRPC's buffers.
     */
    private static boolean ready(StreamObserver<InputStream> stream) {
        return ((ClientCallStreamObserver<InputStream>) stream).isReady();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        thread.interrupt();
    }
}
