package dev.patchbay.admin.audit;

import java.time.Instant;

/**
 * One configuration change.
 *
 * @param workspaceId the workspace changed; null for platform-wide changes (secret key rotation)
 * @param actor       {@code operator} or the admin key id that made the change
 * @param diff        JSON object {@code {"field": [before, after]}}, built from API representations only
 */
public record AuditEntry(String id, String workspaceId, String actor, String resourceType, String resourceId,
                         String action, String diff, Instant createdAt) {
}
