package dev.patchbay.control.app;

import java.util.logging.Logger;

import dev.patchbay.control.call.BotAttacher;
import dev.patchbay.control.call.BotWebhookClient;
import dev.patchbay.control.call.HangupCallbacks;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;

/**
 * Stand-ins for parts this build does not have yet. Each fails the call visibly, with a reason on
 * the call record, rather than pretending: a caller never waits on something that cannot come.
 */
final class Unavailable {

    private static final Logger LOG = Logger.getLogger(Unavailable.class.getName());

    static final BotAttacher WSS = (link, call, gone) -> {
        MediaPlaneGrpc.newBlockingStub(link.channel()).hangup(HangupRequest.newBuilder().setCallId(call.id())
                .setSipStatus(503).setReason("this control-plane build cannot bridge WSS bots yet").build());
        return () -> { };
    };

    static final BotWebhookClient WEBHOOK = (url, workspace, call, token) ->
            new BotWebhookClient.Answer.Reject(503, "this control-plane build cannot call bot webhooks yet");

    static final HangupCallbacks CALLBACKS = call -> {
        if (call.callbackUrl() != null) {
            LOG.warning(() -> "call " + call.id() + ": no hang-up callback sent; this build has no outbox yet");
        }
    };

    private Unavailable() {
    }
}
