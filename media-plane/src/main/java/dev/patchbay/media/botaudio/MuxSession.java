package dev.patchbay.media.botaudio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Logger;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.loop.MediaLoop;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallEnded;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.MuxLeave;
import dev.patchbay.proto.mux.MuxDecoder;
import dev.patchbay.proto.mux.MuxEncoder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One AudioMux stream: many calls' {@link BotChannel}s on one gRPC stream. Caller frames and
 * events are collected into one pending {@code MuxToBot} and sent after each wake-up of a media loop
 * (the packets that arrived together), so a busy stream carries few messages however many calls it
 * serves, and no frame waits for a tick. Both directions are read and written in place
 * ({@link MuxDecoder}, {@link MuxEncoder}): audio makes no protobuf objects. Bot messages run on the
 * gRPC event loop; the ends of channels, which may send SIP, run on {@code signalling}.
 */
public final class MuxSession implements StreamObserver<InputStream>, MuxDecoder.Handler<BotToCaller> {

    private static final Logger LOG = Logger.getLogger(MuxSession.class.getName());
    /** About 200 ms of a busy node's frames may wait in the stream before frames are dropped. */
    private static final int READY_THRESHOLD_BYTES = 8 << 20;

    private final CallManager calls;
    private final Executor signalling;
    private final ServerCallStreamObserver<InputStream> out;
    private final Map<Integer, BotChannel> channels = new ConcurrentHashMap<>();
    private final Set<MediaLoop> loops = ConcurrentHashMap.newKeySet();
    private final Runnable flush = this::flush;
    private final MuxEncoder pending = new MuxEncoder(); // guarded by this
    private final MuxDecoder<BotToCaller> decoder = new MuxDecoder<>(BotToCaller.parser()); // the gRPC thread's
    private boolean malformed;                           // the gRPC thread's: what follows is ignored
    private boolean finished; // guarded by out
    private final Consumer<MuxSession> closed;

    public MuxSession(CallManager calls, StreamObserver<InputStream> out, Executor signalling,
                      Consumer<MuxSession> closed) {
        this.calls = calls;
        this.signalling = signalling;
        this.closed = closed;
        this.out = (ServerCallStreamObserver<InputStream>) out;
        // 20 ms of frames for a thousand calls is over 300 KB; gRPC's default 32 KB "ready" mark
        // would drop frames from a bot that keeps up perfectly well.
        this.out.setOnReadyThreshold(READY_THRESHOLD_BYTES);
        this.out.setOnCancelHandler(() -> {
            synchronized (this.out) {
                finished = true;
            }
            closed.accept(this);
        });
    }

    // ---- bot -> caller (gRPC thread) -------------------------------------------------------------

    /** One MuxToCaller, as gRPC received it; read into a reused array and decoded there. */
    @Override
    public void onNext(InputStream batch) {
        if (malformed) {
            return;
        }
        try {
            decoder.decode(batch, this);
        } catch (InvalidProtocolBufferException e) {
            malformed = true;
            Status bad = Status.INVALID_ARGUMENT.withDescription("a malformed MuxToCaller: " + e.getMessage()
                    + "; send messages built from media.proto");
            LOG.warning(() -> "audio mux ended: " + bad.getDescription());
            close(channel -> channel.lost("the bot's audio mux sent a malformed message"), bad);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a received message from gRPC's own buffers", e);
        }
    }

    @Override
    public void audio(int id, int leave, byte[] bytes, int offset, int length) {
        if (left(id, leave)) {
            return;
        }
        BotChannel channel = channels.get(id);
        if (channel == null) {
            refuse(id, notAttached(id));
        } else {
            channel.play(bytes, offset, length);
        }
    }

    @Override
    public void message(int id, int leave, BotToCaller message) {
        if (left(id, leave) || message == null) {
            return;
        }
        BotChannel channel = channels.get(id);
        Status refused;
        if (message.getMessageCase() == BotToCaller.MessageCase.ATTACH) {
            if (channel != null) {
                refused = Status.FAILED_PRECONDITION.withDescription("channel " + id + " is already attached");
            } else {
                BotChannel fresh = new BotChannel(calls, new ChannelSink(id));
                channels.put(id, fresh); // before the attach, which may already send Attached
                refused = fresh.attach(message.getAttach());
                if (refused != null) {
                    channels.remove(id);
                }
            }
        } else {
            refused = channel == null ? notAttached(id) : channel.handle(message);
            if (refused != null && channel != null) {
                channels.remove(id);
            }
        }
        if (refused != null) {
            refuse(id, refused);
        }
    }

    private static Status notAttached(int id) {
        return Status.FAILED_PRECONDITION.withDescription("channel " + id + " is not attached; attach it first");
    }

    /** Applies a HANG_UP or DETACH; true when the channel left, and the rest of its entry is ignored. */
    private boolean left(int id, int leave) {
        if (leave != MuxLeave.HANG_UP_VALUE && leave != MuxLeave.DETACH_VALUE) {
            return false;
        }
        BotChannel channel = channels.remove(id);
        if (channel != null) {
            signalling.execute(() -> {
                if (leave == MuxLeave.HANG_UP_VALUE) {
                    channel.left("the bot left channel " + id + " of its audio mux");
                } else {
                    channel.lost("the bot detached channel " + id + " of its audio mux");
                }
            });
        }
        return true;
    }

    /** Ends one channel with the reason, keeping the stream and its other channels. */
    private void refuse(int id, Status status) {
        enqueue(id, CallerToBot.newBuilder().setEnded(CallEnded.newBuilder()
                .setCause(HangupCause.ERROR).setReason(status.getCode() + ": " + status.getDescription())).build());
        flush();
        LOG.fine(() -> "audio mux channel " + id + " refused: " + status);
    }

    @Override
    public void onError(Throwable t) {
        String reason = "the bot's audio mux failed: " + Status.fromThrowable(t).getCode();
        close(channel -> channel.lost(reason), null);
    }

    @Override
    public void onCompleted() {
        close(channel -> channel.left("the bot closed its audio mux"), null);
    }

    /** Ends the stream from this side, as the node stops: its channels' calls have ended already. */
    public void end() {
        close(channel -> channel.left("the media-plane is stopping"), null);
    }

    /** Ends every channel with {@code each}, then the stream: completed, or failed with {@code error}. */
    private void close(Consumer<BotChannel> each, Status error) {
        closed.accept(this);
        loops.forEach(loop -> loop.removeAfterWake(flush));
        var left = Map.copyOf(channels);
        channels.clear();
        signalling.execute(() -> {
            left.values().forEach(each);
            synchronized (out) {
                if (!finished) {
                    finished = true;
                    try {
                        if (error != null) {
                            out.onError(error.asRuntimeException());
                        } else {
                            out.onCompleted();
                        }
                    } catch (RuntimeException ignored) {
                        // the stream is already closed
                    }
                }
            }
        });
    }

    // ---- caller -> bot (media loops) ----------------------------------------------------------------

    private synchronized void enqueue(int id, CallerToBot message) {
        pending.message(id, message);
    }

    /**
     * Sends what the loops have queued; after every wake-up of a loop that runs one of the channels.
     * The encoder is held while gRPC copies its bytes, so a loop that queues meanwhile waits that long.
     */
    private synchronized void flush() {
        if (pending.count() == 0) {
            return;
        }
        synchronized (out) {
            if (!finished) {
                try {
                    out.onNext(pending.stream());
                } catch (StatusRuntimeException gone) {
                    finished = true;
                }
            }
        }
        pending.reset();
    }

    /** One channel's way out: into the pending batch, in order with the other channels of its loop. */
    private final class ChannelSink implements BotChannel.Sink {
        private final int id;
        private MediaLoop loop;

        ChannelSink(int id) {
            this.id = id;
        }

        @Override
        public void loop(MediaLoop loop) {
            this.loop = loop;
            if (loops.add(loop)) {
                loop.afterWake(flush);
            }
        }

        @Override
        public boolean ready() {
            return out.isReady();
        }

        @Override
        public void frame(byte[] payload, int length, int sequence, long timestamp, AudioFormat format) {
            synchronized (MuxSession.this) {
                pending.audio(id, payload, 0, length, sequence, timestamp, format.getNumber());
            }
        }

        @Override
        public void send(CallerToBot message) {
            enqueue(id, message);
            if (loop == null || !loop.inLoop()) {
                flush(); // not from the loop (e.g. a mark before the call was answered): nothing else would send it
            }
        }

        @Override
        public void ended(CallerToBot message) {
            channels.remove(id);
            send(message);
        }
    }
}
