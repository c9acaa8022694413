package dev.patchbay.media.consult;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallState;
import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.media.playout.EarlyAudio;
import dev.patchbay.proto.media.v1.ConsultCompletion;
import dev.patchbay.proto.media.v1.ConsultProgress;
import dev.patchbay.proto.media.v1.ConsultResponse;
import dev.patchbay.proto.media.v1.ConsultStep;

/**
 * One caller's attended transfer: the caller's call, the consult leg once placed, and their state. The
 * state changes by compare-and-set, so the SIP threads ending either leg and the gRPC threads completing
 * or cancelling agree on one history.
 */
final class Consultation {

    final Call caller;
    final CompletableFuture<ConsultResponse> placed = new CompletableFuture<>();
    private final CallManager calls;
    private final AtomicReference<ConsultState> state = new AtomicReference<>();

    Consultation(CallManager calls, Call caller) {
        this.calls = calls;
        this.caller = caller;
    }

    ConsultState state() {
        return state.get();
    }

    void begin(Call leg) {
        state.set(new ConsultState.Placing(leg));
    }

    /** Moves from a state of type {@code from} to {@code to}; the state left, or null when it was elsewhere. */
    ConsultState move(Class<? extends ConsultState> from, ConsultState to) {
        while (true) {
            ConsultState current = state.get();
            if (!from.isInstance(current)) {
                return null;
            }
            if (state.compareAndSet(current, to)) {
                return current;
            }
        }
    }

    /** The caller no longer hears the bot: its queued words are dropped and {@code music} loops, or silence. */
    void hold(EarlyAudio music) {
        caller.listenOnly(true);
        CallMedia media = caller.media();
        if (media != null) {
            media.playout().clear();
            media.hold(music);
        }
    }

    /** The caller hears the bot again. */
    void unhold() {
        CallMedia media = caller.media();
        if (media != null) {
            media.hold(null);
        }
        caller.listenOnly(false);
        caller.releaseBridge();
    }

    boolean callerUp() {
        return !(caller.state() instanceof CallState.Ended) && caller.media() != null;
    }

    void report(ConsultStep step, Call leg, int sipStatus, ConsultCompletion method, String reason) {
        calls.consultProgress(caller, ConsultProgress.newBuilder().setStep(step).setConsultCallId(leg.id())
                .setSipStatus(sipStatus).setMethod(method).setReason(reason == null ? "" : reason));
    }
}
