package dev.patchbay.media.botaudio;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import com.google.protobuf.ByteString;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallState;
import dev.patchbay.media.codec.FrameTranscoder;
import dev.patchbay.media.loop.AudioUplink;
import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.media.loop.MediaLoop;
import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.proto.media.v1.Attached;
import dev.patchbay.proto.media.v1.AudioAttach;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallEnded;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.Codec;
import dev.patchbay.proto.media.v1.DtmfEvent;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.FarEndInfo;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.InfoResult;
import dev.patchbay.proto.media.v1.MarkPlayed;
import io.grpc.Status;

/**
 * One call's bot audio, whatever stream carries it: an Audio stream of its own ({@link AudioSession})
 * or a channel of an AudioMux stream ({@link MuxSession}). Bot messages arrive on the gRPC thread and
 * feed the call's playout queue; caller frames and events come from the call's media loop and leave
 * through the {@link Sink}.
 */
final class BotChannel implements AudioUplink {

    private static final Logger LOG = Logger.getLogger(BotChannel.class.getName());

    /** Where the channel's messages to the bot go. Called on the call's media loop. */
    interface Sink {
        /** False while the bot reads too slowly; the frame is then dropped rather than queued. */
        boolean ready();

        /** A caller frame; {@code payload} is reused once this returns. */
        void frame(byte[] payload, int length, int sequence, long timestamp, AudioFormat format);

        void send(CallerToBot message);

        /** The last message: the call is over. */
        void ended(CallerToBot message);

        /** The media loop the call runs on, before any other call; a sink may batch per loop. */
        default void loop(MediaLoop loop) {
        }
    }

    private final CallManager calls;
    private final AtomicBoolean detachCounted = new AtomicBoolean();
    private final Sink sink;
    private Call call;
    private FrameTranscoder transcoder;
    private AudioFormat format;
    private byte[] upBytes;
    private byte[] stage = new byte[160]; // one playout frame: resized once to a 16 kHz call's 640 bytes
    private final byte[] chunk = new byte[640];
    private final byte[] coded = new byte[320];
    private final byte[] widened = new byte[4 * FrameTranscoder.MAX_WIDEN_IN];
    private int stageFill;
    private int carry = -1;
    private long upDropped;

    BotChannel(CallManager calls, Sink sink) {
        this.calls = calls;
        this.sink = sink;
    }

    /** The attached call, or null before a successful {@link #attach}. */
    Call call() {
        return call;
    }

    /**
     * Checks the token and attaches to the call.
     *
     * @return why the attach is refused, or null when attached
     */
    Status attach(AudioAttach attach) {
        Call target = calls.byId(attach.getCallId()).orElse(null);
        // Unknown call and wrong token answer alike, so the reply reveals nothing about which calls exist.
        if (target == null || !target.tokenMatches(attach.getToken())) {
            return Status.UNAUTHENTICATED.withDescription("unknown call or wrong attach token");
        }
        if (target.state() instanceof CallState.Ended) {
            return Status.NOT_FOUND.withDescription("call " + target.id() + " has ended");
        }
        AudioFormat f = attach.getFormat() == AudioFormat.AUDIO_FORMAT_UNSPECIFIED ? AudioFormat.L16_8K : attach.getFormat();
        if (f == AudioFormat.UNRECOGNIZED) {
            return Status.INVALID_ARGUMENT.withDescription("unknown audio format " + attach.getFormatValue());
        }
        if (f == AudioFormat.L16_CALL_RATE) {
            f = target.negotiated() != null && target.negotiated().wideband() ? AudioFormat.L16_16K : AudioFormat.L16_8K;
        }
        boolean callUlaw = target.negotiated() == null || target.negotiated().audio().is("PCMU"); // refreshed per message
        this.format = f;
        this.transcoder = new FrameTranscoder(f, callUlaw);
        this.upBytes = new byte[transcoder.frameBytes()];
        this.call = target;
        target.attach(this);
        calls.tally().botAttached();
        return null;
    }

    /**
     * A bot message after the attach.
     *
     * @return why the channel must end, or null
     */
    Status handle(BotToCaller message) {
        switch (message.getMessageCase()) {
            case AUDIO -> play(message.getAudio().getPayload());
            case CLEAR -> {
                stageFill = 0;
                carry = -1;
                if (transcoder != null) {
                    transcoder.dropPartialSample();
                }
                PlayoutQueue q = playout();
                if (q != null) {
                    q.clear();
                }
            }
            case MARK -> {
                return mark(message.getMark().getName());
            }
            case INFO -> info(message.getInfo());
            case ATTACH -> {
                return Status.FAILED_PRECONDITION.withDescription("already attached to " + call.id());
            }
            default -> {
                return Status.INVALID_ARGUMENT.withDescription("empty BotToCaller message");
            }
        }
        return null;
    }

    /**
     * The bot's INFO for the far end (RingCX), checked against what the control-plane allowed this call. The
     * answer reaches the bot as InfoResult and the control-plane as BotInfoSent; nothing refused is sent.
     */
    private void info(FarEndInfo info) {
        Call c = call;
        boolean isFinal = info.getIsFinal();
        int limit = c.botInfoMaxBytes();
        int size = info.getJson().size();
        String refused = limit == 0 ? "this call takes no INFO from its bot; only calls of a workspace with a RingCX integration do"
                : size > limit ? "the INFO body is " + size + " bytes, over this call's limit of " + limit
                        + " bytes; it was not sent: send less data per INFO" : null;
        if (refused != null) {
            sink.send(infoResult(0, refused, isFinal));
            return;
        }
        if (isFinal) {
            c.farEndEnds(true); // before the answer: a bot that leaves right after its final INFO must not cause a BYE
        }
        calls.info(c, "application/json", info.getJson().toByteArray()).thenAccept(status -> {
            boolean ok = status >= 200 && status < 300;
            if (isFinal && !ok) {
                c.farEndEnds(false);
            }
            sink.send(infoResult(status, ok ? "" : "the far end answered the INFO with " + status, isFinal));
            calls.botInfoSent(c, status, isFinal, size);
        });
    }

    private static CallerToBot infoResult(int status, String error, boolean isFinal) {
        return CallerToBot.newBuilder().setInfoResult(InfoResult.newBuilder().setSipStatus(status).setError(error)
                .setIsFinal(isFinal)).build();
    }

    /** The stream failed: the call waits for a bot to re-attach. Not on the gRPC event loop: it may send SIP. */
    void lost(String reason) {
        Call c = call;
        if (c != null && !(c.state() instanceof CallState.Ended) && !c.listenOnly() && !c.farEndEnds()) {
            detached("lost");
            calls.botLost(c, this, reason);
            return;
        }
        left(reason);
    }

    /** The bot went away: like a WebSocket bot closing its socket, that hangs up the call. Not on the event loop. */
    void left(String reason) {
        Call c = call;
        CallMedia media = c == null ? null : c.media();
        if (c != null && c.listenOnly() && media != null) {
            detached("left");
            media.detach(this); // bridged: the bot only listened, and the two legs carry on without it
        } else if (c != null && c.farEndEnds()) {
            detached("left"); // its final INFO was accepted: the far end sends the BYE (or the control-plane's timeout)
            if (media != null) {
                media.detach(this);
            }
            LOG.info(() -> "call " + c.id() + ": the bot left after its final INFO; the far end sends the BYE");
        } else if (c != null) {
            calls.end(c, HangupCause.BOT_HANGUP, 200, reason);
        }
    }

    /** Counts this channel's detach once, whichever of lost, left or ended comes first. */
    private void detached(String why) {
        if (call != null && detachCounted.compareAndSet(false, true)) {
            calls.tally().botDetached(why);
        }
    }

    private PlayoutQueue playout() {
        CallMedia media = call.media();
        return media == null || call.listenOnly() ? null : media.playout(); // bridged: the bot only listens
    }

    private void play(ByteString payload) {
        // Copied out in chunks: array loops are several times cheaper than ByteString.byteAt per sample.
        int size = payload.size();
        for (int from = 0; from < size; from += chunk.length) {
            int n = Math.min(chunk.length, size - from);
            payload.copyTo(chunk, from, 0, n);
            play(chunk, 0, n);
        }
    }

    /**
     * Bot audio from {@code length} bytes at {@code offset}: the message's own bytes on AudioMux (no
     * protobuf objects), a chunk copied out of the ByteString on an Audio stream. The array is reused
     * once this returns.
     */
    void play(byte[] message, int offset, int length) {
        PlayoutQueue q = playout();
        if (q == null) {
            return; // not answered yet: nothing can be played
        }
        transcoder.callCodec(call.media().ulaw());
        for (int from = 0; from < length; from += chunk.length) {
            playChunk(q, message, offset + from, Math.min(chunk.length, length - from));
        }
    }

    /** Queues {@code n} bot bytes from {@code b[at]}, at most a chunk, converted to the call's codec. */
    private void playChunk(PlayoutQueue q, byte[] b, int at, int n) {
        int end = at + n;
        if (stage.length != q.frameBytes()) {
            stage = new byte[q.frameBytes()];
            stageFill = 0;
        }
        if (call.media().wideband()) {
            pushAll(q, widened, 0, transcoder.toWideband(b, at, n, widened));
        } else if (transcoder.passthrough()) {
            pushAll(q, b, at, n);
        } else if (transcoder.eightKhzL16()) {
            int i = at;
            if (carry >= 0 && n > 0) { // a sample split between two messages
                push(q, transcoder.toCallCodec((short) (carry | (b[at] << 8))));
                carry = -1;
                i++;
            }
            int pairs = (end - i) / 2;
            transcoder.l16ToCallCodec(b, i, pairs, coded);
            pushAll(q, coded, 0, pairs);
            if (((end - i) & 1) != 0) {
                carry = b[end - 1] & 0xFF;
            }
        } else if (transcoder.sixteenBit()) {
            for (int i = at; i < end; i++) {
                int v = b[i] & 0xFF;
                if (carry < 0) {
                    carry = v;
                } else {
                    if (transcoder.narrow((short) (carry | (v << 8)))) {
                        push(q, transcoder.toCallCodec(transcoder.narrowed()));
                    }
                    carry = -1;
                }
            }
        } else {
            for (int i = at; i < end; i++) {
                push(q, transcoder.toCallCodec(b[i]));
            }
        }
    }

    /** Queues {@code n} bytes of {@code from} from {@code at}, already in the call's codec. */
    private void pushAll(PlayoutQueue q, byte[] from, int at, int n) {
        for (int i = 0; i < n; ) {
            int k = Math.min(n - i, stage.length - stageFill);
            System.arraycopy(from, at + i, stage, stageFill, k);
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

    private Status mark(String name) {
        PlayoutQueue q = playout();
        if (q == null) {
            markPlayed(name, false); // nothing queued before it
            return null;
        }
        if (stageFill > 0) {
            // A mark ends the audio before it: play the partial frame, padded with silence.
            transcoder.callCodec(call.media().ulaw());
            Arrays.fill(stage, stageFill, stage.length, call.media().wideband() ? 0 : transcoder.silence());
            q.offer(stage, 0);
            stageFill = 0;
        }
        return q.mark(name) ? null : Status.RESOURCE_EXHAUSTED.withDescription("too many marks pending; wait for MarkPlayed");
    }

    // ---- caller -> bot (media loop thread) ---------------------------------------------------------

    @Override
    public void onLoop(MediaLoop loop) {
        sink.loop(loop);
    }

    @Override
    public void attached() {
        var codec = call.negotiated().audio();
        sink.send(CallerToBot.newBuilder().setAttached(Attached.newBuilder().setFormat(format).setFrameMs(20)
                .setCallCodec(Codec.newBuilder().setName(codec.encoding()).setPayloadType(codec.payloadType())
                        .setClockRate(codec.clockRate()))).build());
    }

    @Override
    public void callerFrame(short[] pcm, int sequence, long timestamp) {
        if (!sink.ready()) {
            upDropped++; // the bot reads too slowly; old audio is worth less than staying live
            return;
        }
        int n = transcoder.encodeUp(pcm, upBytes);
        sink.frame(upBytes, n, sequence, timestamp, format);
    }

    @Override
    public void dtmf(char digit, int durationMs, DtmfSource source) {
        sink.send(CallerToBot.newBuilder().setDtmf(DtmfEvent.newBuilder().setDigit(String.valueOf(digit))
                .setDurationMs(durationMs).setSource(source)).build());
    }

    @Override
    public void markPlayed(String name, boolean cleared) {
        sink.send(CallerToBot.newBuilder().setMarkPlayed(MarkPlayed.newBuilder().setName(name).setCleared(cleared)).build());
    }

    @Override
    public void ended(HangupCause cause, String reason) {
        detached("call_ended");
        sink.ended(CallerToBot.newBuilder().setEnded(CallEnded.newBuilder().setCause(cause)
                .setReason(reason == null ? "" : reason)).build());
        if (upDropped > 0) {
            LOG.info(() -> "bot for " + call.id() + " was too slow for " + upDropped + " caller frames");
        }
    }
}
