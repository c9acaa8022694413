package dev.patchbay.media.grpc;

import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallState;
import dev.patchbay.media.loop.AudioUplink;
import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.proto.media.v1.Attached;
import dev.patchbay.proto.media.v1.AudioAttach;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallEnded;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.Codec;
import dev.patchbay.proto.media.v1.DtmfEvent;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.MarkPlayed;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One bot's Audio stream. Inbound (bot to caller) runs on the gRPC thread and feeds the call's
 * playout queue; outbound (caller to bot) is called by the media loop. Writes to the stream are
 * serialised on {@code out}; the lock is uncontended except at attach and hang-up.
 */
final class AudioSession implements StreamObserver<BotToCaller>, AudioUplink {

    private static final Logger LOG = Logger.getLogger(AudioSession.class.getName());

    private final CallManager calls;
    /** Where stream ends are handled: they may hang up (SIP), which must not run on the gRPC event loop. */
    private final Executor signalling;
    private final ServerCallStreamObserver<CallerToBot> out;
    private Call call;
    private FrameTranscoder transcoder;
    private AudioFormat format;
    private byte[] upBytes;
    private final byte[] stage = new byte[160];
    private final byte[] chunk = new byte[640];
    private int stageFill;
    private int carry = -1;
    private boolean finished;
    private long upDropped;

    AudioSession(CallManager calls, StreamObserver<CallerToBot> out, Executor signalling) {
        this.calls = calls;
        this.signalling = signalling;
        this.out = (ServerCallStreamObserver<CallerToBot>) out;
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
        if (call == null) {
            if (message.getMessageCase() != BotToCaller.MessageCase.ATTACH) {
                fail(Status.UNAUTHENTICATED.withDescription("the first message must be AudioAttach"));
                return;
            }
            attach(message.getAttach());
            return;
        }
        switch (message.getMessageCase()) {
            case AUDIO -> play(message.getAudio().getPayload());
            case CLEAR -> {
                stageFill = 0;
                carry = -1;
                PlayoutQueue q = playout();
                if (q != null) {
                    q.clear();
                }
            }
            case MARK -> mark(message.getMark().getName());
            case ATTACH -> fail(Status.FAILED_PRECONDITION.withDescription("already attached to " + call.id()));
            default -> fail(Status.INVALID_ARGUMENT.withDescription("empty BotToCaller message"));
        }
    }

    private void attach(AudioAttach attach) {
        Call target = calls.byId(attach.getCallId()).orElse(null);
        // Unknown call and wrong token answer alike, so the reply reveals nothing about which calls exist.
        if (target == null || !target.tokenMatches(attach.getToken())) {
            fail(Status.UNAUTHENTICATED.withDescription("unknown call or wrong attach token"));
            return;
        }
        if (target.state() instanceof CallState.Ended) {
            fail(Status.NOT_FOUND.withDescription("call " + target.id() + " has ended"));
            return;
        }
        AudioFormat f = attach.getFormat() == AudioFormat.AUDIO_FORMAT_UNSPECIFIED ? AudioFormat.L16_8K : attach.getFormat();
        if (f == AudioFormat.UNRECOGNIZED) {
            fail(Status.INVALID_ARGUMENT.withDescription("unknown audio format " + attach.getFormatValue()));
            return;
        }
        boolean callUlaw = target.negotiated() == null || target.negotiated().audio().is("PCMU"); // refreshed per message
        this.format = f;
        this.transcoder = new FrameTranscoder(f, callUlaw);
        this.upBytes = new byte[transcoder.frameBytes()];
        this.call = target;
        target.attach(this);
    }

    private PlayoutQueue playout() {
        CallMedia media = call.media();
        return media == null || call.listenOnly() ? null : media.playout(); // bridged: the bot only listens
    }

    private void play(ByteString payload) {
        PlayoutQueue q = playout();
        if (q == null) {
            return; // not answered yet: nothing can be played
        }
        transcoder.callCodec(call.media().ulaw());
        // Copied out in chunks: array loops are several times cheaper than ByteString.byteAt per sample.
        int size = payload.size();
        for (int from = 0; from < size; from += chunk.length) {
            int n = Math.min(chunk.length, size - from);
            payload.copyTo(chunk, from, 0, n);
            if (transcoder.passthrough()) {
                pushAll(q, n);
            } else if (transcoder.sixteenBit()) {
                for (int i = 0; i < n; i++) {
                    int b = chunk[i] & 0xFF;
                    if (carry < 0) {
                        carry = b;
                    } else {
                        if (transcoder.narrow((short) (carry | (b << 8)))) {
                            push(q, transcoder.toCallCodec(transcoder.narrowed()));
                        }
                        carry = -1;
                    }
                }
            } else {
                for (int i = 0; i < n; i++) {
                    push(q, transcoder.toCallCodec(chunk[i]));
                }
            }
        }
    }

    /** Queues the first {@code n} bytes of {@link #chunk}, already in the call's codec. */
    private void pushAll(PlayoutQueue q, int n) {
        for (int i = 0; i < n; ) {
            int k = Math.min(n - i, stage.length - stageFill);
            System.arraycopy(chunk, i, stage, stageFill, k);
            stageFill += k;
            i += k;
            if (stageFill == stage.length) {
                q.offer(stage, 0);
                stageFill = 0;
            }
        }
    }

    private void push(PlayoutQueue q, byte code) {
        stage[stageFill++] = code;
        if (stageFill == stage.length) {
            q.offer(stage, 0);
            stageFill = 0;
        }
    }

    private void mark(String name) {
        PlayoutQueue q = playout();
        if (q == null) {
            markPlayed(name, false); // nothing queued before it
            return;
        }
        if (stageFill > 0) {
            // A mark ends the audio before it: play the partial frame, padded with silence.
            transcoder.callCodec(call.media().ulaw());
            Arrays.fill(stage, stageFill, stage.length, transcoder.silence());
            q.offer(stage, 0);
            stageFill = 0;
        }
        if (!q.mark(name)) {
            fail(Status.RESOURCE_EXHAUSTED.withDescription("too many marks pending; wait for MarkPlayed"));
        }
    }

    @Override
    public void onError(Throwable t) {
        signalling.execute(() -> lost(t));
    }

    private void lost(Throwable t) {
        Call c = call;
        String reason = "the bot's audio stream failed: " + Status.fromThrowable(t).getCode();
        if (c != null && !(c.state() instanceof CallState.Ended) && !c.listenOnly()) {
            calls.botLost(c, this, reason);
            finish();
            return;
        }
        botLeft(reason);
    }

    @Override
    public void onCompleted() {
        signalling.execute(() -> botLeft("the bot closed its audio stream"));
    }

    /** The bot went away: like a WebSocket bot closing its socket, that hangs up the call. */
    private void botLeft(String reason) {
        Call c = call;
        CallMedia media = c == null ? null : c.media();
        if (c != null && c.listenOnly() && media != null) {
            media.detach(this); // bridged: the bot only listened, and the two legs carry on without it
        } else if (c != null) {
            calls.end(c, HangupCause.BOT_HANGUP, 200, reason);
        }
        finish();
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

    private void send(CallerToBot message) {
        synchronized (out) {
            if (!finished) {
                try {
                    out.onNext(message);
                } catch (io.grpc.StatusRuntimeException gone) {
                    finished = true; // cancelled between our check and the write
                }
            }
        }
    }

    @Override
    public void attached() {
        var codec = call.negotiated().audio();
        send(CallerToBot.newBuilder().setAttached(Attached.newBuilder().setFormat(format).setFrameMs(20)
                .setCallCodec(Codec.newBuilder().setName(codec.encoding()).setPayloadType(codec.payloadType())
                        .setClockRate(codec.clockRate()))).build());
    }

    @Override
    public void callerFrame(short[] pcm, int sequence, long timestamp) {
        if (!out.isReady()) {
            upDropped++; // the bot reads too slowly; old audio is worth less than staying live
            return;
        }
        int n = transcoder.encodeUp(pcm, upBytes);
        // upBytes is wrapped, not copied: gRPC serialises the message inside onNext, before this
        // thread can reuse the array for the next frame.
        send(CallerToBot.newBuilder().setAudio(AudioFrame.newBuilder().setPayload(UnsafeByteOperations.unsafeWrap(upBytes, 0, n))
                .setSequence(sequence).setTimestamp(timestamp).setFormat(format)).build());
    }

    @Override
    public void dtmf(char digit, int durationMs, DtmfSource source) {
        send(CallerToBot.newBuilder().setDtmf(DtmfEvent.newBuilder().setDigit(String.valueOf(digit))
                .setDurationMs(durationMs).setSource(source)).build());
    }

    @Override
    public void markPlayed(String name, boolean cleared) {
        send(CallerToBot.newBuilder().setMarkPlayed(MarkPlayed.newBuilder().setName(name).setCleared(cleared)).build());
    }

    @Override
    public void ended(HangupCause cause, String reason) {
        synchronized (out) {
            if (finished) {
                return;
            }
            finished = true;
            try {
                out.onNext(CallerToBot.newBuilder().setEnded(CallEnded.newBuilder().setCause(cause)
                        .setReason(reason == null ? "" : reason)).build());
                out.onCompleted();
            } catch (io.grpc.StatusRuntimeException gone) {
                // the bot left first
            }
        }
        if (upDropped > 0) {
            LOG.info(() -> "bot for " + call.id() + " was too slow for " + upDropped + " caller frames");
        }
    }
}
