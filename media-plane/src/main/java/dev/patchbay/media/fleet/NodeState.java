package dev.patchbay.media.fleet;

/** A registered node's state as the media_nodes table spells it. A dead node has no state of its own: its heartbeat lapsed. */
public enum NodeState {
    /** Takes new calls. */
    ACTIVE("active"),
    /** SIGTERM received: refuses new calls while the current ones finish. */
    DRAINING("draining");

    private final String wire;

    NodeState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
