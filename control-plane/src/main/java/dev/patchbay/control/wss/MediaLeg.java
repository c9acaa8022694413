package dev.patchbay.control.wss;

import java.util.function.Consumer;
import java.util.logging.Logger;

import com.google.protobuf.ByteString;
import dev.patchbay.proto.media.v1.AudioAttach;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.Clear;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.Mark;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.SendDtmfRequest;
import dev.patchbay.proto.media.v1.TransferRequest;
import dev.patchbay.proto.media.v1.TransferResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * One bridge's side of the media-plane: the call's Audio stream (one gRPC stream per call) and the unary
 * call controls. Bot messages arrive one at a time from the socket's listener; a message to a stream that
 * has closed is dropped, since the call's end arrives on the stream itself.
 */
final class MediaLeg {

    private static final Logger LOG = Logger.getLogger(MediaLeg.class.getName());

    private final Channel mediaNode;
    private final String callId;
    private volatile StreamObserver<BotToCaller> up;
    private volatile boolean ended;

    MediaLeg(Channel mediaNode, String callId) {
        this.mediaNode = mediaNode;
        this.callId = callId;
    }

    /** Opens the call's Audio stream; what the media-plane sends goes to {@code callerSide}. */
    void attach(String token, AudioFormat format, StreamObserver<CallerToBot> callerSide) {
        StreamObserver<BotToCaller> stream = MediaPlaneGrpc.newStub(mediaNode).audio(callerSide);
        stream.onNext(BotToCaller.newBuilder().setAttach(AudioAttach.newBuilder().setCallId(callId)
                .setToken(token).setFormat(format)).build());
        up = stream;
    }

    /** Bot audio: copied out of the reused decode buffer, since gRPC sends it later. */
    void play(BotCommand.Audio audio) {
        send(BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder()
                .setPayload(ByteString.copyFrom(audio.bytes(), 0, audio.length()))).build());
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

    /** The bridge has ended: bot messages still arriving are dropped. */
    void ended() {
        ended = true;
    }

    private void send(BotToCaller message) {
        StreamObserver<BotToCaller> stream = up;
        if (stream != null && !ended) {
            try {
                stream.onNext(message);
            } catch (RuntimeException e) {
                // The call closed under us; its end arrives on the Audio stream. Never fail the socket's listener.
                LOG.fine(() -> "call " + callId + ": bot message after the audio stream closed: " + e);
            }
        }
    }

    void hangup(String reason) {
        MediaPlaneGrpc.newStub(mediaNode).hangup(HangupRequest.newBuilder().setCallId(callId).setReason(reason).build(),
                new Logged<>("hangup"));
    }

    /** A blind transfer; {@code answered} hears the far end's answer, {@code failed} a failed request ("uri status"). */
    void transfer(String uri, Consumer<TransferResponse> answered, Consumer<String> failed) {
        MediaPlaneGrpc.newStub(mediaNode).transfer(TransferRequest.newBuilder().setCallId(callId).setTargetUri(uri).build(),
                new Logged<>("transfer to " + uri) {
                    @Override
                    public void onNext(TransferResponse r) {
                        answered.accept(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        super.onError(t);
                        failed.accept(uri + " " + Status.fromThrowable(t));
                    }
                });
    }

    void digits(String digits) {
        MediaPlaneGrpc.newStub(mediaNode).sendDtmf(SendDtmfRequest.newBuilder().setCallId(callId).setDigits(digits).build(),
                new Logged<>("dtmf " + digits));
    }

    /** A unary call nobody waits for: a failure is worth a log line. */
    private class Logged<T> implements StreamObserver<T> {
        private final String what;

        Logged(String what) {
            this.what = what;
        }

        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable t) {
            LOG.info(() -> "call " + callId + ": " + what + " failed: " + Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
        }
    }
}
