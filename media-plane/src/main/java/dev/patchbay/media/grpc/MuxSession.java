package dev.patchbay.media.grpc;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

import com.google.protobuf.ByteString;

import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.loop.MediaLoop;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallEnded;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.MuxBotMessage;
import dev.patchbay.proto.media.v1.MuxCallerMessage;
import dev.patchbay.proto.media.v1.MuxLeave;
import dev.patchbay.proto.media.v1.MuxToBot;
import dev.patchbay.proto.media.v1.MuxToCaller;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One AudioMux stream: many calls' {@link BotChannel}s on one gRPC stream. Caller frames and
 * events are collected into one pending {@link MuxToBot} and sent after each wake-up of a media loop
 * (the packets that arrived together), so a busy stream carries few messages however many calls it
 * serves, and no frame waits for a tick. Bot messages run
 * on the gRPC event loop; the ends of channels, which may send SIP, run on {@code signalling}.
 */
final class MuxSession implements StreamObserver<MuxToCaller> {

    private static final Logger LOG = Logger.getLogger(MuxSession.class.getName());
    /** About 200 ms of a busy node's frames may wait in the stream before frames are dropped. */
    private static final int READY_THRESHOLD_BYTES = 8 << 20;

    private final CallManager calls;
    private final Executor signalling;
    private final ServerCallStreamObserver<MuxToBot> out;
    private final Map<Integer, BotChannel> channels = new ConcurrentHashMap<>();
    private final Set<MediaLoop> loops = ConcurrentHashMap.newKeySet();
    private final Runnable flush = this::flush;
    private MuxToBot.Builder pending = MuxToBot.newBuilder(); // guarded by this
    private boolean finished; // guarded by out

    MuxSession(CallManager calls, StreamObserver<MuxToBot> out, Executor signalling) {
        this.calls = calls;
        this.signalling = signalling;
        this.out = (ServerCallStreamObserver<MuxToBot>) out;
        // 20 ms of frames for a thousand calls is over 300 KB; gRPC's default 32 KB "ready" mark
        // would drop frames from a bot that keeps up perfectly well.
        this.out.setOnReadyThreshold(READY_THRESHOLD_BYTES);
        this.out.setOnCancelHandler(() -> {
            synchronized (this.out) {
                finished = true;
            }
        });
    }

    // ---- bot -> caller (gRPC thread) -------------------------------------------------------------

    @Override
    public void onNext(MuxToCaller batch) {
        for (MuxBotMessage m : batch.getMessagesList()) {
            int id = m.getChannel();
            BotChannel channel = channels.get(id);
            switch (m.getLeave()) {
                case HANG_UP, DETACH -> {
                    if (channels.remove(id) != null) {
                        boolean hangUp = m.getLeave() == MuxLeave.HANG_UP;
                        signalling.execute(() -> {
                            if (hangUp) {
                                channel.left("the bot left channel " + id + " of its audio mux");
                            } else {
                                channel.lost("the bot detached channel " + id + " of its audio mux");
                            }
                        });
                    }
                    continue;
                }
                default -> { }
            }
            if (!m.hasMessage()) {
                continue;
            }
            Status refused;
            if (m.getMessage().getMessageCase() == BotToCaller.MessageCase.ATTACH) {
                if (channel != null) {
                    refused = Status.FAILED_PRECONDITION.withDescription("channel " + id + " is already attached");
                } else {
                    BotChannel fresh = new BotChannel(calls, new ChannelSink(id));
                    channels.put(id, fresh); // before the attach, which may already send Attached
                    refused = fresh.attach(m.getMessage().getAttach());
                    if (refused != null) {
                        channels.remove(id);
                    }
                }
            } else {
                refused = channel == null
                        ? Status.FAILED_PRECONDITION.withDescription("channel " + id + " is not attached; attach it first")
                        : channel.handle(m.getMessage());
                if (refused != null && channel != null) {
                    channels.remove(id);
                }
            }
            if (refused != null) {
                refuse(id, refused);
            }
        }
    }

    /** Ends one channel with the reason, keeping the stream and its other channels. */
    private void refuse(int id, Status status) {
        enqueue(MuxCallerMessage.newBuilder().setChannel(id).setMessage(CallerToBot.newBuilder().setEnded(CallEnded.newBuilder()
                .setCause(HangupCause.ERROR).setReason(status.getCode() + ": " + status.getDescription()))).build());
        flush();
        LOG.fine(() -> "audio mux channel " + id + " refused: " + status);
    }

    @Override
    public void onError(Throwable t) {
        String reason = "the bot's audio mux failed: " + Status.fromThrowable(t).getCode();
        close(channel -> channel.lost(reason));
    }

    @Override
    public void onCompleted() {
        close(channel -> channel.left("the bot closed its audio mux"));
    }

    private void close(java.util.function.Consumer<BotChannel> each) {
        loops.forEach(loop -> loop.removeAfterWake(flush));
        var left = Map.copyOf(channels);
        channels.clear();
        signalling.execute(() -> {
            left.values().forEach(each);
            synchronized (out) {
                if (!finished) {
                    finished = true;
                    try {
                        out.onCompleted();
                    } catch (RuntimeException ignored) {
                        // the stream is already closed
                    }
                }
            }
        });
    }

    // ---- caller -> bot (media loops) ----------------------------------------------------------------

    private synchronized void enqueue(MuxCallerMessage message) {
        pending.addMessages(message);
    }

    /** Sends what the loops have queued; after every wake-up of a loop that runs one of the channels. */
    private void flush() {
        MuxToBot batch;
        synchronized (this) {
            if (pending.getMessagesCount() == 0) {
                return;
            }
            batch = pending.build();
            pending = MuxToBot.newBuilder();
        }
        synchronized (out) {
            if (!finished) {
                try {
                    out.onNext(batch);
                } catch (io.grpc.StatusRuntimeException gone) {
                    finished = true;
                }
            }
        }
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
            // Copied: the batch is serialised at the end of the loop's wake-up, after this array is reused.
            enqueue(MuxCallerMessage.newBuilder().setChannel(id).setMessage(CallerToBot.newBuilder().setAudio(AudioFrame.newBuilder()
                    .setPayload(ByteString.copyFrom(payload, 0, length)).setSequence(sequence).setTimestamp(timestamp)
                    .setFormat(format))).build());
        }

        @Override
        public void send(CallerToBot message) {
            enqueue(MuxCallerMessage.newBuilder().setChannel(id).setMessage(message).build());
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
