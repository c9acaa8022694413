package dev.patchbay.media.call;

import dev.patchbay.proto.media.v1.HangupCause;

/** Where a call is in its life. Transitions only move forward; Ended is final. */
public sealed interface CallState {

    /** INVITE received, waiting for the control-plane's decision. */
    record Offered() implements CallState { }

    /** 180 sent; waiting for answer or reject. */
    record Ringing() implements CallState { }

    /** 200 OK sent, media running, waiting for ACK. */
    record Answered() implements CallState { }

    /** ACK received: an established dialog. */
    record Confirmed() implements CallState { }

    /** Over. {@code sipStatus} is the final status sent or received, or 0. */
    record Ended(HangupCause cause, int sipStatus, String reason) implements CallState { }

    default boolean answered() {
        return this instanceof Answered || this instanceof Confirmed;
    }
}
