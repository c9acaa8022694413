package dev.patchbay.media.app;

import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.fleet.FleetMember;
import dev.patchbay.media.grpc.ControlHub;

/**
 * Whether this node can take a call now: not draining, below {@code patchbay.call.max}, with a
 * control-plane connected to route it, and (in a fleet) able to renew its registry row. OPTIONS
 * and {@code /health/ready} both answer from here, so a SIP front and a Kubernetes probe never disagree.
 */
final class NodeReadiness {

    private final CallManager calls;
    private final ControlHub hub;
    private volatile FleetMember fleet;

    NodeReadiness(CallManager calls, ControlHub hub) {
        this.calls = calls;
        this.hub = hub;
    }

    /** Joined after SIP is up: from then on a failing heartbeat counts too. */
    void fleet(FleetMember member) {
        this.fleet = member;
    }

    /** Why not, or null when a call can be taken. */
    String why() {
        String refusal = calls.refusal();
        if (refusal != null) {
            return refusal;
        }
        if (hub.connected() == 0) {
            return "no control-plane is connected to this media-plane";
        }
        FleetMember member = fleet;
        return member == null ? null : member.problem();
    }
}
