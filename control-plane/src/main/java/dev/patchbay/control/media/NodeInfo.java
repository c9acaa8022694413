package dev.patchbay.control.media;

import java.time.Instant;

/**
 * A media node's row in {@code media_nodes}, as discovery last read it.
 *
 * @param grpcAddress what this replica dials, and what call records name as the call's media node
 * @param startedAt   when the node's current run began; calls on it recorded earlier belong to a previous run
 */
public record NodeInfo(String nodeId, String sipAddress, String rtpAddress, String grpcAddress, int capacity,
                       int currentCalls, boolean active, Instant heartbeatAt, Instant startedAt) {
}
