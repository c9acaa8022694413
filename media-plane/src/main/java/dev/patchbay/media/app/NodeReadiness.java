package dev.patchbay.media.app;

import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.grpc.ControlHub;

/**
 * Whether this node can take a call now: not draining, below {@code patchbay.call.max}, and with a
 * control-plane connected to route it. OPTIONS and {@code /health/ready} both answer from here, so a
 * SIP front and a Kubernetes probe never disagree.
 */
record NodeReadiness(CallManager calls, ControlHub hub) {

    /** Why not, or null when a call can be taken. */
    String why() {
        String refusal = calls.refusal();
        if (refusal != null) {
            return refusal;
        }
        if (hub.connected() == 0) {
            return "no control-plane is connected to this media-plane";
        }
        return null;
    }
}
