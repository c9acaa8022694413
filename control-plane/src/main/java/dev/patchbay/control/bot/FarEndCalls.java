package dev.patchbay.control.bot;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.patchbay.control.integration.ameyo.AmeyoHandBacks;
import dev.patchbay.control.integration.ringcx.RingCxInfo;
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
 * those of workspaces with a RingCX integration. Ameyo's calls are {@link AmeyoHandBacks}' (its BYE timer
 * lives in the database). For RingCX, a webhook bot's answer INFO is sent, and if the far end's BYE does
 * not come within the configured timeout, Patchbay hangs up after all, with the reason recorded on the call.
 *
 * <p>RingCX's timeout lives in this replica's timer: if the replica stops first, the call waits for its BYE
 * (or the caller) without it.
 */
public final class FarEndCalls implements FarEnds {

    private static final Logger LOG = Logger.getLogger(FarEndCalls.class.getName());

    private final CallStore store;
    private final RingCxIntegration ringCx;
    private final RingCxInfo info;
    private final AmeyoHandBacks ameyo;
    private final ScheduledExecutorService timers;
    private final ExecutorService workers;

    public FarEndCalls(CallStore store, RingCxIntegration ringCx, AmeyoHandBacks ameyo, ScheduledExecutorService timers,
                       ExecutorService workers) {
        this.store = store;
        this.ringCx = ringCx;
        this.info = new RingCxInfo(store);
        this.ameyo = ameyo;
        this.timers = timers;
        this.workers = workers;
    }

    @Override
    public BridgeTarget.FarEnd forCall(CallRecord call) {
        if (call.direction() != CallRecord.Direction.INBOUND) {
            return BridgeTarget.FarEnd.GATEWAY;
        }
        if (ameyo.tag(call).isPresent()) {
            return new BridgeTarget.FarEnd(BridgeTarget.Ending.FAR_END, 0);
        }
        Optional<RingCxIntegration.Settings> rcx = ringCx.settings(call.workspaceId());
        if (info.answerInfo(call).isPresent()) {
            // A webhook answer named the INFO to send when the stream ends: the bot leaving hands the call back.
            if (rcx.isPresent()) {
                return new BridgeTarget.FarEnd(BridgeTarget.Ending.FAR_END, rcx.get().infoMaxBytes());
            }
            store.event(call.id(), "answer-info-refused", "the webhook answer's <Info> is not sent: only calls of a"
                    + " workspace with a RingCX integration take INFO; the call ends when the stream does");
        }
        return rcx.map(r -> new BridgeTarget.FarEnd(BridgeTarget.Ending.FAR_END_AFTER_FINAL, r.infoMaxBytes()))
                .orElse(BridgeTarget.FarEnd.GATEWAY);
    }

    @Override
    public void handedBack(MediaNodeLink link, CallRecord call, String propertiesJson, String why) {
        store.event(call.id(), "handed-back", why);
        Optional<AmeyoTag> tag = ameyo.tag(call);
        if (tag.isPresent()) {
            ameyo.handedBack(call, tag.get(), propertiesJson);
            return;
        }
        Optional<String> answerInfo = info.answerInfo(call);
        if (answerInfo.isPresent() && !sendAnswerInfo(link, call, answerInfo.get())) {
            return;
        }
        awaitBye(link, call, Duration.ZERO);
    }

    /**
     * The webhook answer's INFO, now that the stream has ended; false when the far end did not take it, in which
     * case it will send no BYE and the call is hung up here.
     */
    private boolean sendAnswerInfo(MediaNodeLink link, CallRecord call, String json) {
        int limit = ringCx.settings(call.workspaceId()).map(RingCxIntegration.Settings::infoMaxBytes).orElse(0);
        Optional<String> failed = info.sendAnswerInfo(link, call, json, limit);
        failed.ifPresent(why -> {
            store.event(call.id(), "info-failed", why);
            hangup(link, call, why + "; the far end would send no BYE, so Patchbay ends the call");
        });
        return failed.isEmpty();
    }

    @Override
    public boolean resumeHandedBack(MediaNodeLink link, CallRecord call) {
        if (ameyo.tag(call).isPresent()) {
            if (!ameyo.holds(call)) {
                return false;
            }
            store.event(call.id(), "hold-resumed", "the bot had handed the call back; waiting for Ameyo's BYE");
            return true;
        }
        Optional<CallEvent> handedBack = store.events(call.id()).stream().filter(e -> e.type().equals("handed-back")).findFirst();
        if (handedBack.isEmpty()) {
            return false;
        }
        store.event(call.id(), "hold-resumed", "the bot had handed the call back; waiting for the far end's BYE");
        awaitBye(link, call, Duration.between(handedBack.get().at(), store.now()));
        return true;
    }

    /** Hangs up unless RingCX's BYE comes within its timeout, of which {@code spent} has passed already. */
    private void awaitBye(MediaNodeLink link, CallRecord call, Duration spent) {
        Duration timeout = ringCx.settings(call.workspaceId()).map(RingCxIntegration.Settings::byeTimeout).orElse(Duration.ofMinutes(1));
        long left = Math.max(0, timeout.minus(spent).toMillis());
        timers.schedule(() -> workers.execute(() -> noByeWithin(link, call, "RingCX", timeout)), left, TimeUnit.MILLISECONDS);
    }

    private void noByeWithin(MediaNodeLink link, CallRecord call, String farEnd, Duration timeout) {
        Optional<CallRecord> now = store.find(call.id());
        if (now.isEmpty() || now.get().status().terminal()) {
            return;
        }
        String reason = farEnd + " sent no BYE within " + timeout.toSeconds() + " s of the bot handing the call back";
        store.event(call.id(), "far-end-bye-timeout", reason);
        hangup(link, call, reason);
    }

    private static void hangup(MediaNodeLink link, CallRecord call, String reason) {
        try {
            MediaPlaneGrpc.newBlockingStub(link.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .hangup(HangupRequest.newBuilder().setCallId(call.id()).setReason(reason).build());
        } catch (StatusRuntimeException e) {
            LOG.warning(() -> "call " + call.id() + ": hanging up (" + reason + ") failed: " + e.getStatus());
        }
    }
}
