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
    /** Until the row is written, control-planes cannot find this node: not ready, whatever else holds. */
    private volatile boolean joining;
    /** While the start-up rehearsal runs, a caller's INVITE would meet a cold path: not ready. */
    private volatile boolean warming;

    NodeReadiness(CallManager calls, ControlHub hub, boolean registers) {
        this.calls = calls;
        this.hub = hub;
        this.joining = registers;
    }

    /** Joined after SIP is up: from then on a failing heartbeat counts too. */
    void fleet(FleetMember member) {
        this.fleet = member;
        this.joining = false;
    }

    void warming(boolean on) {
        this.warming = on;
    }

    /** Why not, or null when a call can be taken. */
    String why() {
        String refusal = calls.refusal();
        if (refusal != null) {
            return refusal;
        }
        if (warming) {
            return "this node is still warming up its SIP path (patchbay.sip.warmup)";
        }
        if (joining) {
            return "this node is still joining the fleet (writing its media_nodes row)";
        }
        if (hub.connected() == 0) {
            return "no control-plane is connected to this media-plane";
        }
        FleetMember member = fleet;
        return member == null ? null : member.problem();
    }
}
