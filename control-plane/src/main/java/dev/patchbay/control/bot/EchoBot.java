package dev.patchbay.control.bot;

import java.util.logging.Logger;

import dev.patchbay.control.call.BotAttacher;
import dev.patchbay.proto.media.v1.AudioAttach;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.SendDtmfRequest;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The built-in echo bot: attaches to a call's Audio stream like any gRPC bot would, plays every
 * caller frame straight back, and sends every digit back with SendDtmf, so a caller can test both
 * audio and DTMF end to end. It is the reference client of the Audio contract.
 */
public final class EchoBot {

    private static final Logger LOG = Logger.getLogger(EchoBot.class.getName());

    private EchoBot() {
    }

    /** Attaches; closing the result cancels the stream, which the media-plane treats as a lost bot. */
    public static BotAttacher.Attachment attach(Channel mediaNode, String callId, String token, BotAttacher.Gone gone) {
        Echo echo = new Echo(mediaNode, callId, gone);
        // Each frame is echoed on the event loop that read it: no hand-off to a pool thread per frame.
        echo.up = MediaPlaneGrpc.newStub(mediaNode).withExecutor(MoreExecutors.directExecutor()).audio(echo);
        echo.up.onNext(BotToCaller.newBuilder().setAttach(AudioAttach.newBuilder()
                .setCallId(callId).setToken(token).setFormat(AudioFormat.L16_CALL_RATE)).build());
        return () -> {
            try {
                echo.up.onError(Status.CANCELLED.withDescription("echo bot detached").asRuntimeException());
            } catch (RuntimeException ignored) {
                // the stream has already ended
            }
        };
    }

    /** Plays a caller's digit back to it as RFC 4733, without waiting for the answer. */
    static void echoDigit(Channel mediaNode, String callId, String digit) {
        MediaPlaneGrpc.newStub(mediaNode).sendDtmf(SendDtmfRequest.newBuilder().setCallId(callId).setDigits(digit).build(),
                new Logged<>(callId));
    }

    /** The media-plane no longer has the call; its record is updated in the database, not on the event loop. */
    static void unknownCall(BotAttacher.Gone gone, String callId, String reason) {
        Thread.ofVirtual().name("echo-gone-" + callId).start(() -> gone.unknownCall(callId, reason));
    }

    /** A unary response nobody waits for; a failure is worth a log line, not more. */
    private record Logged<T>(String callId) implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable t) {
            LOG.info(() -> "echo of a digit on " + callId + " failed: " + t.getMessage());
        }

        @Override
        public void onCompleted() {
        }
    }

    /** gRPC delivers one stream's messages on one thread at a time, so {@code up} needs no lock. */
    private static final class Echo implements StreamObserver<CallerToBot> {
        private final Channel mediaNode;
        private final String callId;
        private final BotAttacher.Gone gone;
        private volatile StreamObserver<BotToCaller> up;

        Echo(Channel mediaNode, String callId, BotAttacher.Gone gone) {
            this.mediaNode = mediaNode;
            this.callId = callId;
            this.gone = gone;
        }

        @Override
        public void onNext(CallerToBot message) {
            switch (message.getMessageCase()) {
                case AUDIO -> up.onNext(BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder()
                        .setPayload(message.getAudio().getPayload())).build());
                case DTMF -> echoDigit(mediaNode, callId, message.getDtmf().getDigit());
                default -> { }
            }
        }

        @Override
        public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            if (s.getCode() == Status.Code.UNAUTHENTICATED || s.getCode() == Status.Code.NOT_FOUND) {
                unknownCall(gone, callId, s.getDescription());
            }
            LOG.fine(() -> "echo for " + callId + " ended: " + t);
        }

        @Override
        public void onCompleted() {
            try {
                up.onCompleted();
            } catch (IllegalStateException alreadyCancelled) {
                // The call ended and its stream is gone: nothing left to close.
            }
        }
    }
}
