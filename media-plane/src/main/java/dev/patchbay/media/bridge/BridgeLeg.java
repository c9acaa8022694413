package dev.patchbay.media.bridge;

import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallState;
import dev.patchbay.media.loop.AudioUplink;
import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.proto.media.v1.BridgeResponse;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;

/**
 * The second leg of a bridge, attached to it in place of a bot. Its far end answering ({@link #attached})
 * connects the two legs both ways and puts the caller's bot on listen-only; its end, after that, hangs up
 * the caller. A leg that fails before its answer leaves the caller with the bot, as it was.
 * Every uplink method runs on the second leg's media loop.
 */
final class BridgeLeg implements AudioUplink {

    private static final Logger LOG = Logger.getLogger(BridgeLeg.class.getName());

    private final CallManager calls;
    private final Call caller;
    private final Call leg;
    private final String target;
    private final CompletableFuture<BridgeResponse> outcome;
    private FrameForwarder toCaller;
    private boolean live;

    BridgeLeg(CallManager calls, Call caller, Call leg, String target, CompletableFuture<BridgeResponse> outcome) {
        this.calls = calls;
        this.caller = caller;
        this.leg = leg;
        this.target = target;
        this.outcome = outcome;
    }

    @Override
    public void attached() {
        CallMedia callerMedia = caller.media();
        CallMedia legMedia = leg.media();
        if (callerMedia == null || caller.state() instanceof CallState.Ended) {
            calls.end(leg, HangupCause.BRIDGE_ENDED, 200, "the caller hung up while " + target + " answered");
            return;
        }
        live = true;
        caller.listenOnly(true);
        callerMedia.playout().clear(); // the bot's queued words would talk over the agent
        toCaller = new FrameForwarder(callerMedia.playout(), callerMedia::ulaw);
        callerMedia.tap(new FrameForwarder(legMedia.playout(), legMedia::ulaw));
        LOG.info(() -> "call " + caller.id() + ": bridged to " + target + " as " + leg.id());
        outcome.complete(BridgeResponse.newBuilder().setSipStatus(200).setLegCallId(leg.id()).build());
    }

    @Override
    public void callerFrame(short[] pcm, int sequence, long timestamp) {
        if (toCaller != null) {
            toCaller.frame(pcm);
        }
    }

    @Override
    public void dtmf(char digit, int durationMs, DtmfSource source) {
        // The agent's keys are for the contact centre's own systems, not for the caller's bot.
    }

    @Override
    public void markPlayed(String name, boolean cleared) {
        // No one marks the second leg's playout: only the bridge feeds it.
    }

    @Override
    public void ended(HangupCause cause, String reason) {
        if (live) {
            calls.end(caller, HangupCause.BRIDGE_ENDED, 200, "the bridged leg to " + target + " ended: " + reason);
            return;
        }
        int status = leg.state() instanceof CallState.Ended e ? e.sipStatus() : 0;
        caller.releaseBridge();
        caller.onEnd(null);
        // Given up by us (the caller left, the ring timeout) is 487, as the far end saw it after our CANCEL.
        outcome.complete(BridgeResponse.newBuilder().setSipStatus(status >= 300 ? status : 487).setLegCallId(leg.id())
                .setReason(reason == null ? cause.name() : reason).build());
    }
}
