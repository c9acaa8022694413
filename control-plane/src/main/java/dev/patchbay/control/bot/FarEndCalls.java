package dev.patchbay.control.bot;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.patchbay.control.integration.ameyo.AmeyoIntegration;
import dev.patchbay.control.integration.ameyo.AmeyoNotifier;
import dev.patchbay.control.integration.ringcx.RingCxIntegration;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.model.AmeyoTag;
import dev.patchbay.control.model.CallEvent;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.control.wss.BridgeTarget;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import io.grpc.StatusRuntimeException;

/**
 * Calls whose far end sends the BYE: those that came in over an Ameyo trunk (the call has a CRT id) and
 * those of workspaces with a RingCX integration. When their bot is done, Ameyo gets its notification,
 * and if the far end's BYE does not come within the configured timeout, Patchbay hangs up after all,
 * with the reason recorded on the call.
 *
 * <p>The timeout lives in this replica's timer: if the replica stops first, the call waits for its BYE
 * (or the caller) without it.
 */
public final class FarEndCalls implements FarEnds {

    private static final Logger LOG = Logger.getLogger(FarEndCalls.class.getName());

    private final CallStore store;
    private final AmeyoIntegration ameyoSettings;
    private final RingCxIntegration ringCx;
    private final AmeyoNotifier ameyo;
    private final ScheduledExecutorService timers;
    private final ExecutorService workers;

    public FarEndCalls(CallStore store, AmeyoIntegration ameyoSettings, RingCxIntegration ringCx, AmeyoNotifier ameyo,
                       ScheduledExecutorService timers, ExecutorService workers) {
        this.store = store;
        this.ameyoSettings = ameyoSettings;
        this.ringCx = ringCx;
        this.ameyo = ameyo;
        this.timers = timers;
        this.workers = workers;
    }

    @Override
    public BridgeTarget.FarEnd forCall(CallRecord call) {
        if (call.direction() != CallRecord.Direction.INBOUND) {
            return BridgeTarget.FarEnd.GATEWAY;
        }
        if (store.ameyo(call.id()).isPresent()) {
            return new BridgeTarget.FarEnd(BridgeTarget.Ending.FAR_END, 0);
        }
        return ringCx.settings(call.workspaceId())
                .map(r -> new BridgeTarget.FarEnd(
                        BridgeTarget.Ending.FAR_END_AFTER_FINAL, r.infoMaxBytes()))
                .orElse(BridgeTarget.FarEnd.GATEWAY);
    }

    @Override
    public void handedBack(MediaNodeLink link, CallRecord call, String propertiesJson, String why) {
        store.event(call.id(), "handed-back", why);
        Optional<AmeyoTag> tag = store.ameyo(call.id());
        if (tag.isPresent()) {
            notifyOnce(call, tag.get(), propertiesJson);
        }
        awaitBye(link, call, tag.isPresent(), Duration.ZERO);
    }

    @Override
    public boolean resumeHandedBack(MediaNodeLink link, CallRecord call) {
        Optional<CallEvent> handedBack = store.events(call.id()).stream().filter(e -> e.type().equals("handed-back")).findFirst();
        if (handedBack.isEmpty()) {
            return false;
        }
        store.event(call.id(), "hold-resumed", "the bot had handed the call back; waiting for the far end's BYE");
        awaitBye(link, call, store.ameyo(call.id()).isPresent(), Duration.between(handedBack.get().at(), store.now()));
        return true;
    }

    /** Hangs up unless the far end's BYE comes within its timeout, of which {@code spent} has passed already. */
    private void awaitBye(MediaNodeLink link, CallRecord call, boolean ameyoCall, Duration spent) {
        Duration timeout = ameyoCall
                ? ameyoSettings.settings(call.workspaceId()).map(AmeyoIntegration.Settings::byeTimeout).orElse(Duration.ofMinutes(1))
                : ringCx.settings(call.workspaceId()).map(RingCxIntegration.Settings::byeTimeout).orElse(Duration.ofMinutes(1));
        String farEnd = ameyoCall ? "Ameyo" : "RingCX";
        long left = Math.max(0, timeout.minus(spent).toMillis());
        timers.schedule(() -> workers.execute(() -> noByeWithin(link, call, farEnd, timeout)), left, TimeUnit.MILLISECONDS);
    }

    /** A re-attached bridge may hand back again; Ameyo hears of each call once. */
    private void notifyOnce(CallRecord call, AmeyoTag tag, String propertiesJson) {
        if (store.events(call.id()).stream().anyMatch(e -> e.type().equals("ameyo-notification"))) {
            return;
        }
        try {
            String row = ameyo.notify(call, tag, propertiesJson);
            store.event(call.id(), "ameyo-notification", "queued as " + row + " for CRT " + tag.crt());
        } catch (RuntimeException e) {
            LOG.warning(() -> "call " + call.id() + ": " + e.getMessage());
            store.event(call.id(), "ameyo-notification-failed", e.getMessage());
        }
    }

    private void noByeWithin(MediaNodeLink link, CallRecord call, String farEnd, Duration timeout) {
        Optional<CallRecord> now = store.find(call.id());
        if (now.isEmpty() || now.get().status().terminal()) {
            return;
        }
        String reason = farEnd + " sent no BYE within " + timeout.toSeconds() + " s of the bot handing the call back";
        store.event(call.id(), "far-end-bye-timeout", reason);
        try {
            MediaPlaneGrpc.newBlockingStub(link.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .hangup(HangupRequest.newBuilder().setCallId(call.id()).setReason(reason).build());
        } catch (StatusRuntimeException e) {
            LOG.warning(() -> "call " + call.id() + ": hanging up after the far end's silence failed: " + e.getStatus());
        }
    }
}
