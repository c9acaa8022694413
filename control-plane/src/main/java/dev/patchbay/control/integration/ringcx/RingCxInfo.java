package dev.patchbay.control.integration.ringcx;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.model.CallEvent;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.proto.media.v1.BotInfoSent;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.SendInfoRequest;
import io.grpc.StatusRuntimeException;

/**
 * The SIP INFO a RingCX far end takes from the bot: the INFO a webhook answer names (kept as a call event, so
 * whichever replica holds the stream when it ends sends it) and the results of the INFO a bot sent itself.
 * An accepted final INFO is what makes RingCX send its BYE.
 */
public final class RingCxInfo {

    /** The call event holding a webhook answer's end-of-stream INFO (see {@code BotWebhookClient.Answer.Stream}). */
    static final String ANSWER_INFO = "answer-info";

    private final CallStore store;

    public RingCxInfo(CallStore store) {
        this.store = store;
    }

    /** Keeps the INFO a webhook answer names, to be sent once the call's stream ends. */
    public void answerNamed(String callId, String json) {
        store.event(callId, ANSWER_INFO, json);
    }

    /** The INFO the call's webhook answer named, if any. */
    public Optional<String> answerInfo(CallRecord call) {
        return store.events(call.id()).stream().filter(e -> e.type().equals(ANSWER_INFO)).map(CallEvent::detail)
                .findFirst();
    }

    /** Records a bot's INFO result; true when it was a final INFO the far end accepted, so its BYE is due now. */
    public boolean botInfoSent(String callId, BotInfoSent info) {
        int status = info.getSipStatus();
        store.event(callId, "info-result", status + " for " + info.getBytes() + " bytes" + (info.getIsFinal() ? ", final" : ""));
        return info.getIsFinal() && status >= 200 && status < 300;
    }

    /**
     * Sends the webhook answer's INFO now that the stream has ended, if within the workspace's {@code limit};
     * empty when the far end took it, else why not, in which case it will send no BYE.
     */
    public Optional<String> sendAnswerInfo(MediaNodeLink link, CallRecord call, String json, int limit) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        if (body.length > limit) {
            return Optional.of("the webhook answer's INFO is " + body.length + " bytes, over the workspace's limit of " + limit);
        }
        store.event(call.id(), "info-sent", body.length + " bytes from the webhook answer");
        try {
            int status = MediaPlaneGrpc.newBlockingStub(link.channel()).withDeadlineAfter(40, TimeUnit.SECONDS)
                    .sendInfo(SendInfoRequest.newBuilder().setCallId(call.id()).setContentType("application/json")
                            .setBody(ByteString.copyFrom(body)).build()).getSipStatus();
            store.event(call.id(), "info-result", String.valueOf(status));
            return status >= 200 && status < 300 ? Optional.empty()
                    : Optional.of("the far end answered the webhook answer's INFO with " + status);
        } catch (StatusRuntimeException e) {
            return Optional.of("the webhook answer's INFO was not delivered: " + e.getStatus().getCode());
        }
    }
}
