package dev.patchbay.media.botaudio;

import java.util.concurrent.Executor;
import java.util.logging.Logger;

import com.google.protobuf.UnsafeByteOperations;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One call's Audio stream: a {@link BotChannel} with a stream of its own. Bot messages run on the
 * gRPC event loop; caller frames are written by the media loop. Writes to the stream are serialised
 * on {@code out}; the lock is uncontended except at attach and hang-up.
 */
public final class AudioSession implements StreamObserver<BotToCaller>, BotChannel.Sink {

    private static final Logger LOG = Logger.getLogger(AudioSession.class.getName());

    /** Where stream ends are handled: they may hang up (SIP), which must not run on the gRPC event loop. */
    private final Executor signalling;
    private final ServerCallStreamObserver<CallerToBot> out;
    private final BotChannel channel;
    private boolean attached;
    private boolean finished;

    public AudioSession(CallManager calls, StreamObserver<CallerToBot> out, Executor signalling) {
        this.signalling = signalling;
        this.out = (ServerCallStreamObserver<CallerToBot>) out;
        this.channel = new BotChannel(calls, this);
        // A bot that vanishes cancels the stream; writing to it after that must be a no-op, not an
        // exception thrown into the media loop on every frame.
        this.out.setOnCancelHandler(() -> {
            synchronized (this.out) {
                finished = true;
            }
        });
    }

    // ---- bot -> caller (gRPC thread) -------------------------------------------------------------

    @Override
    public void onNext(BotToCaller message) {
        Status refused;
        if (!attached) {
            refused = message.getMessageCase() != BotToCaller.MessageCase.ATTACH
                    ? Status.UNAUTHENTICATED.withDescription("the first message must be AudioAttach")
                    : channel.attach(message.getAttach());
            attached = refused == null;
        } else {
            refused = channel.handle(message);
        }
        if (refused != null) {
            fail(refused);
        }
    }

    @Override
    public void onError(Throwable t) {
        String reason = "the bot's audio stream failed: " + Status.fromThrowable(t).getCode();
        signalling.execute(() -> {
            channel.lost(reason);
            finish();
        });
    }

    @Override
    public void onCompleted() {
        signalling.execute(() -> {
            channel.left("the bot closed its audio stream");
            finish();
        });
    }

    private void finish() {
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
    }

    private void fail(Status status) {
        synchronized (out) {
            if (!finished) {
                finished = true;
                out.onError(status.asRuntimeException());
            }
        }
        LOG.fine(() -> "audio stream refused: " + status);
    }

    // ---- caller -> bot (media loop thread) ---------------------------------------------------------

    @Override
    public boolean ready() {
        return out.isReady();
    }

    @Override
    public void frame(byte[] payload, int length, int sequence, long timestamp, AudioFormat format) {
        // Wrapped, not copied: gRPC serialises the message inside onNext, before the media loop can
        // reuse the array for the next frame.
        send(CallerToBot.newBuilder().setAudio(AudioFrame.newBuilder().setPayload(UnsafeByteOperations.unsafeWrap(payload, 0, length))
                .setSequence(sequence).setTimestamp(timestamp).setFormat(format)).build());
    }

    @Override
    public void send(CallerToBot message) {
        synchronized (out) {
            if (!finished) {
                try {
                    out.onNext(message);
                } catch (StatusRuntimeException gone) {
                    finished = true; // cancelled between our check and the write
                }
            }
        }
    }

    @Override
    public void ended(CallerToBot message) {
        synchronized (out) {
            if (finished) {
                return;
            }
            finished = true;
            try {
                out.onNext(message);
                out.onCompleted();
            } catch (StatusRuntimeException gone) {
                // the bot left first
            }
        }
    }
}
