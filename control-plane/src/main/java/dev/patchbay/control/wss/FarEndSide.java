package dev.patchbay.control.wss;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;

import com.google.protobuf.ByteString;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.SendInfoRequest;
import dev.patchbay.proto.media.v1.SendInfoResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * One bridge's dealings with a far end that ends the call itself (Ameyo, RingCX; see
 * {@link BridgeTarget.Ending}): the bot's agent_response and INFO, and whether a finished bot keeps
 * the call up. Refused extensions are told to the bot as {@code {"event":"error",…}} and recorded;
 * nothing refused reaches the SIP peer.
 */
final class FarEndSide {

    private static final Logger LOG = Logger.getLogger(FarEndSide.class.getName());
    static final String INFO_CONTENT_TYPE = "application/json";

    private final Channel mediaNode;
    private final BridgeTarget target;
    private final BridgeListener listener;
    private final Consumer<String> toBot;
    private final AtomicBoolean handedBack = new AtomicBoolean();
    private volatile boolean finalSent;

    FarEndSide(Channel mediaNode, BridgeTarget target, BridgeListener listener, Consumer<String> toBot) {
        this.mediaNode = mediaNode;
        this.target = target;
        this.listener = listener;
        this.toBot = toBot;
    }

    /** True when Patchbay must not send the BYE now that the bot is done. */
    boolean keepsCall() {
        return switch (target.farEnd().ending()) {
            case GATEWAY -> false;
            case FAR_END -> true;
            case FAR_END_AFTER_FINAL -> finalSent;
        };
    }

    /** The bot is done: report it once; the far end's BYE (or the control-plane's timeout) ends the call. */
    void handBack(String propertiesJson, String why) {
        if (handedBack.compareAndSet(false, true)) {
            LOG.info(() -> "call " + target.callId() + ": " + why + "; the call stays up until the far end sends BYE");
            listener.handedBack(target.callId(), propertiesJson, why);
        }
    }

    void agentResponse(String propertiesJson) {
        if (target.farEnd().ending() != BridgeTarget.Ending.FAR_END) {
            refuse("agent_response", "this call's far end takes no agent_response; only calls over an Ameyo trunk do");
            return;
        }
        listener.action(target.callId(), "agent-response", propertiesJson);
        handBack(propertiesJson, "the bot sent agent_response");
    }

    void info(String json, boolean isFinal) {
        int limit = target.farEnd().infoMaxBytes();
        if (limit == 0) {
            refuse("info", "this call takes no SIP INFO; only calls to a workspace with a RingCX integration do");
            return;
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        if (body.length > limit) {
            refuse("info", "the INFO body is " + body.length + " bytes, over this workspace's limit of " + limit
                    + " bytes; it was not sent: send less data per INFO");
            return;
        }
        String what = body.length + " bytes" + (isFinal ? ", final" : "");
        if (isFinal) {
            // Set before the answer: a bot that closes right after its final INFO must not cause a BYE.
            finalSent = true;
        }
        listener.action(target.callId(), "info-sent", what);
        MediaPlaneGrpc.newStub(mediaNode).withDeadlineAfter(40, TimeUnit.SECONDS).sendInfo(SendInfoRequest.newBuilder()
                .setCallId(target.callId()).setContentType(INFO_CONTENT_TYPE).setBody(ByteString.copyFrom(body)).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(SendInfoResponse r) {
                        int status = r.getSipStatus();
                        listener.action(target.callId(), "info-result", status + " for " + what);
                        if (status >= 300) {
                            toBot.accept(error("info", "the far end answered the INFO with " + status));
                        } else if (isFinal) {
                            handBack(null, "the far end accepted the bot's final INFO (" + status + ")");
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        Status s = Status.fromThrowable(t);
                        listener.action(target.callId(), "info-result", "failed: " + s.getCode() + " " + s.getDescription());
                        toBot.accept(error("info", "the INFO was not delivered: " + s.getCode()
                                + (s.getDescription() == null ? "" : " " + s.getDescription())));
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
    }

    private void refuse(String event, String message) {
        LOG.info(() -> "call " + target.callId() + ": refused the bot's " + event + ": " + message);
        listener.action(target.callId(), event.replace('_', '-') + "-refused", message);
        toBot.accept(error(event, message));
    }

    static String error(String event, String message) {
        StringBuilder sb = new StringBuilder("{\"event\":\"error\",\"error\":{\"event\":");
        JsonText.string(sb, event).append(",\"message\":");
        return JsonText.string(sb, message).append("}}").toString();
    }
}
