package dev.patchbay.agents.session;

import java.time.Instant;

/** A calling session as stored; {@code endedAt} is null while it is open. */
public record AgentSession(String id, String workspaceId, String agentId, String type, boolean privacyMode,
                           String currency, int callsPerHour, int maxCallDuration, Long budgetMicros,
                           String agentContextJson,
                           Instant createdAt, Instant expiresAt, Instant endedAt) {

    public boolean active(Instant now) {
        return endedAt == null && now.isBefore(expiresAt);
    }
}
