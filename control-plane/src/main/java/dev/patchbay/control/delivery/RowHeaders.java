package dev.patchbay.control.delivery;

import java.util.Map;

/**
 * Headers a receiver demands beyond Patchbay's own, resolved when a row is delivered rather than when
 * it is queued: credentials (Ameyo's Authorization) then never sit in the outbox table, and a token
 * rotated through the admin API applies to the next retry.
 */
@FunctionalInterface
public interface RowHeaders {

    RowHeaders NONE = (kind, workspaceId) -> Map.of();

    /**
     * @return headers to add to a row of {@code kind}; throwing counts as a failed attempt, retried later
     */
    Map<String, String> headers(String kind, String workspaceId);
}
