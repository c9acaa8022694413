package dev.patchbay.control.app;

import java.util.concurrent.CompletableFuture;

import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.call.CallFlow;
import dev.patchbay.control.integration.ameyo.AmeyoByeTimers;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.model.CallRecord;

/**
 * How Ameyo's BYE timers end a call from this replica: the hang-up any call action uses, on the call's
 * media node; and the bot connected again through the bridge this replica holds. Bound late, as the flow
 * and the links are built after the bots that need the timers; the sweep starts after all of them.
 */
final class AmeyoCallEnding implements AmeyoByeTimers.Ending {

    final CompletableFuture<CallActions> actions = new CompletableFuture<>();
    final CompletableFuture<CallFlow> flow = new CompletableFuture<>();
    final CompletableFuture<MediaNodes> nodes = new CompletableFuture<>();

    @Override
    public void hangup(CallRecord call, String reason) {
        actions.join().hangup(call, reason);
    }

    @Override
    public boolean bridgedHere(String callId) {
        return flow.join().bridges(callId);
    }

    @Override
    public void backToBot(CallRecord call) {
        MediaNodeLink link = nodes.join().byNode(call.mediaNode()).filter(MediaNodeLink::connected).orElse(null);
        // Without a link the bridge has lapsed too; whoever adopts the call reads the row and connects the bot.
        if (link != null) {
            flow.join().reattach(link, call);
        }
    }
}
