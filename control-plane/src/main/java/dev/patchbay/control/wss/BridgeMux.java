package dev.patchbay.control.wss;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Logger;

import com.google.common.util.concurrent.MoreExecutors;

import dev.patchbay.proto.media.v1.AudioAttach;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.mux.MuxDecoder;
import dev.patchbay.proto.mux.RawAudioMux;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

/**
 * The media legs of every WSS bridge to one media-plane node, on one AudioMux stream: a channel per
 * bridged call. Caller frames are read where they lie in each received batch ({@link MuxDecoder}) and
 * handed to each call's {@link Caller}; bot messages of all bridges are written into one pending batch
 * ({@link dev.patchbay.proto.mux.MuxEncoder}), which a {@link MuxFlusher} sends whenever it wakes to find
 * something there, so audio makes no protobuf objects either way and a busy node gets a few large messages
 * instead of one per frame.
 *
 * <p><b>A slow node holds the batch here, not in gRPC.</b> The flusher sends only while the stream is ready,
 * and the batch is bounded ({@code patchbay.control.bridge.mux-batch-bytes}): bot audio past it is dropped
 * and counted ({@link #droppedAtFullBatch()}); attach, leave, clear and mark are never dropped.
 *
 * <p><b>A failed stream keeps the calls.</b> The media-plane holds a detached call for its re-attach grace,
 * so a new stream re-attaches every channel with its token after a capped backoff, as {@code EchoMux} does;
 * bot audio while no stream is up is dropped (counted), caller audio of the gap is never heard by the bot,
 * and marks queued on the media-plane then are lost with its playout queue. A call that ended meanwhile
 * answers its re-attach with CallEnded, which ends its bridge as any end does.
 */
public final class BridgeMux implements AutoCloseable {

    /** Where one channel's messages go; called on the stream's thread, one entry at a time. */
    interface Caller {
        /** A caller frame, {@code length} bytes from {@code offset}, valid only during the call. */
        void audio(byte[] bytes, int offset, int length, int sequence);

        /** Anything else: digits, played marks, Attached and CallEnded (after which the channel is gone). */
        void message(CallerToBot message);
    }

    /** One attached call; its identity guards the channel number against reuse by a later call. */
    record Line(int channel, String callId, String token, AudioFormat format, Caller caller) {
    }

    private static final Logger LOG = Logger.getLogger(BridgeMux.class.getName());
    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 5_000;
    private final Channel node;
    private final String name;
    private final MuxFlusher flusher;
    private final BotSenders sender;
    private final BridgeConfig config;
    private volatile AtomicReferenceArray<Line> lines = new AtomicReferenceArray<>(64); // by channel; written under this
    private int cursor = 1;                        // guarded by this: where the search for a free channel starts
    private StreamObserver<InputStream> up;        // guarded by this; null while no stream is open
    private boolean retrying;                      // guarded by this
    private long retryMillis = FIRST_RETRY_MILLIS; // guarded by this
    private boolean closed;                        // guarded by this
    private long droppedWhileDown;                 // guarded by this

    /** With the shipped sizes and no metrics: for tests and the bench. */
    public BridgeMux(Channel node, String name) {
        this(node, name, BridgeConfig.defaults(), () -> { });
    }

    /**
     * @param name    the node's address, for logs
     * @param dropped counts each bot frame dropped because the batch to the node was full
     */
    public BridgeMux(Channel node, String name, BridgeConfig config, Runnable dropped) {
        this.node = node;
        this.name = name;
        this.config = config;
        this.flusher = new MuxFlusher(name, config.muxBatchBytes(), dropped);
        this.sender = new BotSenders(name, config);
    }

    /** The queue and pool sizes the bridges on this mux use. */
    BridgeConfig config() {
        return config;
    }

    /** Where the bridges send caller frames to their bots, off the stream's event loop. */
    Executor sender() {
        return sender;
    }

    /** The node's channel, for the call-control RPCs. */
    Channel channel() {
        return node;
    }

    /** Attaches a call on a new channel; its messages go to {@code caller} until it ends or {@link #leave}s. */
    synchronized Line attach(String callId, String token, AudioFormat format, Caller caller) {
        Line line = new Line(freeChannel(), callId, token, format, caller);
        lines.set(line.channel(), line);
        if (up != null) {
            flusher.message(line.channel(), attachMessage(line));
        } else {
            open(); // writes the attach of every line, this one included
        }
        return line;
    }

    /**
     * Bot audio: {@code length} bytes of {@code bytes}, copied into the pending batch before this returns,
     * or dropped and counted when the batch is full because the node's stream has not been ready.
     */
    synchronized void audio(Line line, byte[] bytes, int length) {
        if (current(line)) {
            flusher.audio(line.channel(), bytes, length);
        }
    }

    /** Bot frames dropped because the pending batch was full while the node's stream was not ready. */
    long droppedAtFullBatch() {
        return flusher.droppedAtFullBatch();
    }

    /** Bytes waiting for the stream to be ready. */
    int pendingBytes() {
        return flusher.pendingBytes();
    }

    /** Any other bot message: clear, mark, or audio parsed by the JSON tree. */
    synchronized void message(Line line, BotToCaller message) {
        if (current(line)) {
            flusher.message(line.channel(), message);
        }
    }

    /** The bridge is done with its call: the media-plane keeps the call for a bot to re-attach, if it has not ended. */
    synchronized void leave(Line line) {
        if (lines.get(line.channel()) == line) {
            lines.set(line.channel(), null);
            if (up != null) {
                flusher.leave(line.channel());
            }
        }
    }

    /** True when {@code line} is attached on an open stream; bot messages meanwhile are dropped and counted. */
    private boolean current(Line line) {
        if (lines.get(line.channel()) != line) {
            return false;
        }
        if (up == null) {
            droppedWhileDown++;
            return false;
        }
        return true;
    }

    private int freeChannel() {
        AtomicReferenceArray<Line> table = lines;
        int n = table.length();
        for (int i = 0; i < n - 1; i++) {
            int c = 1 + (cursor - 1 + i) % (n - 1); // channel 0 is protobuf's default: never used
            if (table.get(c) == null) {
                cursor = c + 1;
                return c;
            }
        }
        AtomicReferenceArray<Line> grown = new AtomicReferenceArray<>(n * 2);
        for (int i = 0; i < n; i++) {
            grown.set(i, table.get(i));
        }
        lines = grown;
        cursor = n + 1;
        return n;
    }

    private static BotToCaller attachMessage(Line line) {
        return BotToCaller.newBuilder().setAttach(AudioAttach.newBuilder().setCallId(line.callId())
                .setToken(line.token()).setFormat(line.format())).build();
    }

    /** Opens a stream and queues the attach of every line as its first batch. */
    private void open() {
        if (closed) {
            return;
        }
        Down down = new Down();
        // Caller frames are handed on on the event loop that read them: no hand-off per batch. A stream
        // opened while the node reconnects waits for it rather than failing at once.
        up = ClientCalls.asyncBidiStreamingCall(node.newCall(RawAudioMux.method(),
                CallOptions.DEFAULT.withExecutor(MoreExecutors.directExecutor()).withWaitForReady()), down);
        down.stream = up;
        flusher.stream(up);
        if (down.endedEarly) { // gRPC may fail a call inside start(), before there was a stream to name
            StreamObserver<InputStream> dead = up;
            CompletableFuture.runAsync(() -> broken(dead, "failed as it opened"));
        }
        AtomicReferenceArray<Line> table = lines;
        for (int i = 1; i < table.length(); i++) {
            Line line = table.get(i);
            if (line != null) {
                flusher.message(i, attachMessage(line));
            }
        }
    }

    /** The stream {@code broken} ended: keep every line and open a new stream after a backoff. */
    private void broken(StreamObserver<InputStream> broken, String why) {
        long delay;
        long dropped;
        synchronized (this) {
            if (broken == null || up != broken) {
                return;
            }
            up = null;
            flusher.stream(null); // what was pending was written for the broken stream's channels
            if (closed) {
                return;
            }
            retrying = true;
            delay = retryMillis;
            retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
            dropped = droppedWhileDown;
        }
        LOG.warning(() -> "WSS bridges' audio mux to " + name + " ended (" + why + "); re-attaching their calls in "
                + delay + " ms" + (dropped > 0 ? "; " + dropped + " bot messages dropped while down so far" : ""));
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(this::reopen);
    }

    private synchronized void reopen() {
        retrying = false;
        AtomicReferenceArray<Line> table = lines;
        for (int i = 1; i < table.length() && up == null; i++) {
            if (table.get(i) != null) {
                open(); // else the next attach opens one
            }
        }
    }

    /**
     * Stops without ending the calls: the stream is cancelled, not completed, so the media-plane holds each
     * call for a bot (another replica's bridge) to re-attach, as when this process dies.
     */
    @Override
    public void close() {
        StreamObserver<InputStream> last;
        synchronized (this) {
            closed = true;
            last = up;
            up = null;
        }
        if (last != null) {
            try {
                last.onError(Status.CANCELLED.withDescription("the control-plane is stopping").asRuntimeException());
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
        flusher.close();
        sender.close();
    }

    /** One stream's received side; gRPC calls it on the event loop, one batch at a time. */
    private final class Down implements ClientResponseObserver<InputStream, InputStream>, MuxDecoder.Handler<CallerToBot> {
        private final MuxDecoder<CallerToBot> decoder = new MuxDecoder<>(CallerToBot.parser());
        private volatile StreamObserver<InputStream> stream;
        private volatile boolean endedEarly;

        @Override
        public void beforeStart(ClientCallStreamObserver<InputStream> call) {
            call.setOnReadyHandler(flusher::wake); // the flusher waits for this stream to be ready
        }

        @Override
        public void onNext(InputStream batch) {
            try {
                decoder.decode(batch, this);
            } catch (IOException e) {
                // Not from media.proto, or a failed read: the stream is useless; a new one re-attaches every call.
                LOG.warning(() -> "audio mux to " + name + ": a malformed MuxToBot (" + e.getMessage()
                        + "); the media-plane's version must speak media.proto v1.4 or later");
                stream.onError(Status.INTERNAL.withDescription("malformed MuxToBot").asRuntimeException());
                broken(stream, "malformed MuxToBot");
            }
        }

        @Override
        public void audio(int channel, int leave, byte[] bytes, int offset, int length) {
            Line line = line(channel);
            if (line != null) {
                line.caller().audio(bytes, offset, length, decoder.sequence());
            }
        }

        @Override
        public void message(int channel, int leave, CallerToBot message) {
            Line line = line(channel);
            if (line == null || message == null) {
                return;
            }
            if (message.hasEnded()) {
                synchronized (BridgeMux.this) {
                    if (lines.get(channel) == line) {
                        lines.set(channel, null); // the media-plane has forgotten the channel already
                    }
                }
            } else if (message.hasAttached()) {
                synchronized (BridgeMux.this) {
                    retryMillis = FIRST_RETRY_MILLIS; // the stream works again
                }
            }
            line.caller().message(message);
        }

        private Line line(int channel) {
            AtomicReferenceArray<Line> table = lines;
            return channel > 0 && channel < table.length() ? table.get(channel) : null;
        }

        @Override
        public void onError(Throwable t) {
            ended(String.valueOf(Status.fromThrowable(t)));
        }

        @Override
        public void onCompleted() {
            ended("completed by the media-plane");
        }

        private void ended(String why) {
            endedEarly = stream == null;
            broken(stream, why);
        }
    }
}
