package dev.patchbay.media.call;

import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.ControlEvent;

/** The way to the control-plane. Implemented by the gRPC Control stream hub. */
public interface ControlChannel {

    /**
     * Hands an offered call to one connected control-plane.
     *
     * @return false when no control-plane is connected
     */
    boolean offer(Call call, CallOffered offered);

    /** Sends an event about a call to the control-plane that took it. Never blocks, never drops. */
    void event(Call call, ControlEvent.Builder event);
}
