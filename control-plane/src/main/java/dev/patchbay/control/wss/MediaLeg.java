package dev.patchbay.control.wss;

import java.util.function.Consumer;
import java.util.logging.Logger;

import com.google.protobuf.ByteString;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.Clear;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.Mark;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.SendDtmfRequest;
import dev.patchbay.proto.media.v1.TransferRequest;
import dev.patchbay.proto.media.v1.TransferResponse;
import dev.patchbay.proto.rpc.Unary;
import io.grpc.Channel;
import io.grpc.Status;

/**
 * One bridge's side of the media-plane: the call's channel on the node's {@link BridgeMux} and the unary
 * call controls. Bot messages arrive one at a time from the socket's listener; a message after the bridge
 * has ended, or after the call's end came on the mux, is dropped.
 */
final class MediaLeg {

    private static final Logger LOG = Logger.getLogger(MediaLeg.class.getName());

    private final BridgeMux mux;
    private final Channel mediaNode;
    private final String callId;
    private volatile BridgeMux.Line line;

    MediaLeg(BridgeMux mux, String callId) {
        this.mux = mux;
        this.mediaNode = mux.channel();
        this.callId = callId;
    }

    /** Attaches the call on a channel of the mux; what the media-plane sends goes to {@code callerSide}. */
    void attach(String token, AudioFormat format, BridgeMux.Caller callerSide) {
        line = mux.attach(callId, token, format, callerSide);
    }

    /** Bot audio, copied out of the reused decode buffer into the mux's pending batch. */
    void play(BotCommand.Audio audio) {
        BridgeMux.Line l = line;
        if (l != null) {
            mux.audio(l, audio.bytes(), audio.length());
        }
    }

    void play(ByteString audio) {
        send(BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder().setPayload(audio)).build());
    }

    void clear() {
        send(BotToCaller.newBuilder().setClear(Clear.getDefaultInstance()).build());
    }

    void mark(String name) {
        send(BotToCaller.newBuilder().setMark(Mark.newBuilder().setName(name)).build());
    }

    /** The bridge has ended: its channel leaves the mux (the call, if still up, waits for a bot to re-attach). */
    void ended() {
        BridgeMux.Line l = line;
        if (l != null) {
            mux.leave(l);
        }
    }

    private void send(BotToCaller message) {
        BridgeMux.Line l = line;
        if (l != null) {
            mux.message(l, message);
        }
    }

    void hangup(String reason) {
        Unary.call(MediaPlaneGrpc.newStub(mediaNode)::hangup, HangupRequest.newBuilder().setCallId(callId).setReason(reason)
                .build()).whenComplete((r, t) -> logged("hangup", t));
    }

    /** A blind transfer; {@code answered} hears the far end's answer, {@code failed} a failed request ("uri status"). */
    void transfer(String uri, Consumer<TransferResponse> answered, Consumer<String> failed) {
        Unary.call(MediaPlaneGrpc.newStub(mediaNode)::transfer, TransferRequest.newBuilder().setCallId(callId)
                .setTargetUri(uri).build()).whenComplete((r, t) -> {
                    if (t == null) {
                        answered.accept(r);
                    } else {
                        logged("transfer to " + uri, t);
                        failed.accept(uri + " " + Status.fromThrowable(t));
                    }
                });
    }

    void digits(String digits) {
        Unary.call(MediaPlaneGrpc.newStub(mediaNode)::sendDtmf, SendDtmfRequest.newBuilder().setCallId(callId)
                .setDigits(digits).build()).whenComplete((r, t) -> logged("dtmf " + digits, t));
    }

    /** A unary call nobody waits for: a failure is worth a log line. */
    private void logged(String what, Throwable failure) {
        if (failure != null) {
            LOG.info(() -> "call " + callId + ": " + what + " failed: " + Status.fromThrowable(failure));
        }
    }
}
