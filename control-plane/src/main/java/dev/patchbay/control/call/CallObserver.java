package dev.patchbay.control.call;

import dev.patchbay.control.model.CallRecord;
import dev.patchbay.proto.media.v1.RtpStats;

/**
 * Features that react to a call's life (the agents' billing and webhooks) without the call flow
 * knowing them. Called on the call's own ordered worker, after the state change is stored.
 */
public interface CallObserver {

    CallObserver NONE = new CallObserver() { };

    /** A placed call's far end is ringing. */
    default void ringing(CallRecord call) {
    }

    /** The far end answered. */
    default void answered(CallRecord call) {
    }

    /** The call ended; {@code stats} are the media counters, empty when the media-plane could not report them. */
    default void ended(CallRecord call, RtpStats stats) {
    }
}
