package dev.patchbay.control.bot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import com.google.common.util.concurrent.MoreExecutors;

import dev.patchbay.control.call.BotAttacher;
import dev.patchbay.proto.media.v1.AudioAttach;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.MuxBotMessage;
import dev.patchbay.proto.media.v1.MuxCallerMessage;
import dev.patchbay.proto.media.v1.MuxLeave;
import dev.patchbay.proto.media.v1.MuxToBot;
import dev.patchbay.proto.media.v1.MuxToCaller;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * The built-in echo bot for every call of one media node, on one AudioMux stream: each batch of
 * caller frames is echoed back as one batch, so the echo costs a couple of gRPC messages per 20 ms
 * rather than two per call. Digits are sent back with SendDtmf, as {@link EchoBot} does. If the
 * stream fails, a new one re-attaches every call it carried.
 */
public final class EchoMux {

    private static final Logger LOG = Logger.getLogger(EchoMux.class.getName());
    private static final long MAX_RETRY_MILLIS = 5_000;

    /** One attached call. */
    private record Line(String callId, String token, BotAttacher.Gone gone) {
    }

    private final Channel mediaNode;
    private final Map<Integer, Line> lines = new ConcurrentHashMap<>();
    private final AtomicInteger nextChannel = new AtomicInteger(1);
    private StreamObserver<MuxToCaller> up; // guarded by this
    private long retryMillis = 100;         // guarded by this

    public EchoMux(Channel mediaNode) {
        this.mediaNode = mediaNode;
    }

    public BotAttacher.Attachment attach(String callId, String token, BotAttacher.Gone gone) {
        int channel = nextChannel.getAndIncrement();
        Line line = new Line(callId, token, gone);
        lines.put(channel, line);
        send(MuxToCaller.newBuilder().addMessages(attachMessage(channel, line)).build());
        return () -> {
            if (lines.remove(channel) != null) {
                // As the per-call echo cancels its stream: the call waits for a bot to re-attach.
                send(MuxToCaller.newBuilder().addMessages(MuxBotMessage.newBuilder().setChannel(channel)
                        .setLeave(MuxLeave.DETACH)).build());
            }
        };
    }

    private static MuxBotMessage attachMessage(int channel, Line line) {
        return MuxBotMessage.newBuilder().setChannel(channel).setMessage(BotToCaller.newBuilder().setAttach(
                AudioAttach.newBuilder().setCallId(line.callId()).setToken(line.token()).setFormat(AudioFormat.L16_CALL_RATE))).build();
    }

    private synchronized void send(MuxToCaller message) {
        if (up == null) {
            // Messages are echoed on the event loop that read them: no hand-off to a pool thread.
            Down down = new Down();
            up = MediaPlaneGrpc.newStub(mediaNode).withExecutor(MoreExecutors.directExecutor()).audioMux(down);
            down.stream = up;
        }
        try {
            up.onNext(message);
        } catch (IllegalStateException | StatusRuntimeException closed) {
            LOG.fine(() -> "echo mux to a closed stream: " + closed.getMessage());
        }
    }

    /** The stream {@code broken} ended: open a new one later and attach every call on it again. */
    private void reopen(StreamObserver<MuxToCaller> broken, String why) {
        long delay;
        synchronized (this) {
            if (up != broken) {
                return;
            }
            up = null;
            delay = retryMillis;
            retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
        }
        if (lines.isEmpty()) {
            return;
        }
        LOG.info(() -> "echo mux stream ended (" + why + "); re-attaching " + lines.size() + " calls in " + delay + " ms");
        Thread.ofVirtual().name("echo-mux-reopen").start(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            MuxToCaller.Builder again = MuxToCaller.newBuilder();
            lines.forEach((channel, line) -> again.addMessages(attachMessage(channel, line)));
            if (again.getMessagesCount() > 0) {
                send(again.build());
            }
        });
    }

    /** Caller side of the stream; runs on the gRPC event loop, one batch at a time. */
    private final class Down implements StreamObserver<MuxToBot> {
        private volatile StreamObserver<MuxToCaller> stream;

        @Override
        public void onNext(MuxToBot batch) {
            MuxToCaller.Builder echo = MuxToCaller.newBuilder();
            for (MuxCallerMessage m : batch.getMessagesList()) {
                CallerToBot message = m.getMessage();
                switch (message.getMessageCase()) {
                    case AUDIO -> echo.addMessages(MuxBotMessage.newBuilder().setChannel(m.getChannel()).setMessage(
                            BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder().setPayload(message.getAudio().getPayload()))));
                    case DTMF -> dtmf(m.getChannel(), message.getDtmf().getDigit());
                    case ENDED -> ended(m.getChannel(), message);
                    case ATTACHED -> {
                        synchronized (EchoMux.this) {
                            retryMillis = 100; // the stream works again
                        }
                    }
                    default -> { }
                }
            }
            if (echo.getMessagesCount() > 0) {
                send(echo.build());
            }
        }

        private void dtmf(int channel, String digit) {
            Line line = lines.get(channel);
            if (line != null) {
                EchoBot.echoDigit(mediaNode, line.callId(), digit);
            }
        }

        private void ended(int channel, CallerToBot message) {
            Line line = lines.remove(channel);
            String reason = message.getEnded().getReason();
            if (line != null && message.getEnded().getCause() == HangupCause.ERROR
                    && (reason.startsWith("UNAUTHENTICATED") || reason.startsWith("NOT_FOUND"))) {
                EchoBot.unknownCall(line.gone(), line.callId(), reason);
            }
        }

        @Override
        public void onError(Throwable t) {
            reopen(stream, t.getMessage());
        }

        @Override
        public void onCompleted() {
            reopen(stream, "completed by the media-plane");
        }
    }
}
