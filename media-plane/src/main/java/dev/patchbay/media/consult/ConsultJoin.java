package dev.patchbay.media.consult;

import java.util.logging.Logger;

import dev.patchbay.media.bridge.FrameForwarder;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallState;
import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.proto.media.v1.CompleteConsultResponse;
import dev.patchbay.proto.media.v1.ConsultCompletion;
import dev.patchbay.proto.media.v1.ConsultStep;
import dev.patchbay.proto.media.v1.HangupCause;

/**
 * Completion by media bridge, for callers that cannot take REFER with Replaces: the caller and the consult
 * leg hear each other through this node, as a Bridge's two legs do, and the bot leaves both. Its streams
 * end with CallEnded cause TRANSFERRED: from then on nothing it sends could reach either party.
 */
final class ConsultJoin {

    private static final Logger LOG = Logger.getLogger(ConsultJoin.class.getName());
    static final String BRIDGED = "attended transfer completed: the caller and the target are bridged on this node";

    private ConsultJoin() {
    }

    /** Joins the two legs of {@code c}, which is Completing; {@code referStatus} is a failed REFER's outcome, or 0. */
    static CompleteConsultResponse bridge(CallManager calls, Consultation c, Call leg, int referStatus, String why) {
        CallMedia callerMedia = c.caller.media();
        CallMedia legMedia = leg.media();
        c.move(ConsultState.Completing.class, new ConsultState.Joined(leg, ConsultCompletion.MEDIA_BRIDGE));
        leg.listenOnly(true); // the bot leaving the consult leg must not hang it up
        callerMedia.hold(null);
        callerMedia.playout().clear();
        legMedia.playout().clear();
        callerMedia.tap(new FrameForwarder(legMedia.playout(), legMedia::ulaw));
        legMedia.tap(new FrameForwarder(callerMedia.playout(), callerMedia::ulaw));
        callerMedia.releaseBot(HangupCause.TRANSFERRED, BRIDGED);
        legMedia.releaseBot(HangupCause.TRANSFERRED, BRIDGED);
        // Either leg may have ended while the state was still Completing, when its end had nothing to follow.
        if (leg.state() instanceof CallState.Ended) {
            calls.end(c.caller, HangupCause.BRIDGE_ENDED, 200, "the transfer target hung up as the bridge was made");
        } else if (c.caller.state() instanceof CallState.Ended) {
            calls.end(leg, HangupCause.BRIDGE_ENDED, 200, "the transferred caller hung up as the bridge was made");
        }
        String reason = why.isEmpty() ? BRIDGED : why;
        LOG.info(() -> "call " + c.caller.id() + ": " + reason + " (" + leg.id() + ")");
        c.report(ConsultStep.CONSULT_COMPLETED, leg, referStatus, ConsultCompletion.MEDIA_BRIDGE, reason);
        return CompleteConsultResponse.newBuilder().setMethod(ConsultCompletion.MEDIA_BRIDGE).setReferStatus(referStatus)
                .setCompleted(true).setReason(reason).build();
    }
}
