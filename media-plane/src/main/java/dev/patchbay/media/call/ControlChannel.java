package dev.patchbay.media.call;

import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.ControlEvent;

/** The way to the control-plane. Implemented by the gRPC Control stream hub. */
public interface ControlChannel {

    /** What became of an offer. */
    enum Offer {
        /** On its way to a connected control-plane. */
        SENT,
        /** No control-plane is connected. */
        NO_CONTROL_PLANE,
        /** The control-plane's stream has a full backlog: the call is refused at once rather than wait behind it. */
        BACKED_UP
    }

    /** Hands an offered call to one connected control-plane. Never blocks. */
    Offer offer(Call call, CallOffered offered);

    /**
     * Sends an event about a call to the control-plane that took it. Never blocks; a hang-up is kept for
     * the next control-plane when none can take it.
     */
    void event(Call call, ControlEvent.Builder event);
}
