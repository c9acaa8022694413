package dev.patchbay.admin.tenant;

import java.time.Instant;

/**
 * An API key or admin key as stored: the secret itself is never kept, only its SHA-256.
 *
 * @param secretSha256 lower-case hex SHA-256 of the secret's UTF-8 bytes, as the control-plane's ApiKeyAuth compares it
 * @param revokedAt    when the key stops (or stopped) working; null while it works. A rotated key's
 *                     revocation lies in the future, at the end of the overlap window.
 */
public record ApiKey(String id, String workspaceId, KeyScope scope, String name, String secretSha256,
                     Instant createdAt, Instant revokedAt) {

    public boolean liveAt(Instant now) {
        return revokedAt == null || revokedAt.isAfter(now);
    }

    // The hash is not a secret that opens anything, but there is no reason for it to reach a log line.
    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", workspaceId=" + workspaceId + ", scope=" + scope.wire() + ", name=" + name
                + ", createdAt=" + createdAt + ", revokedAt=" + revokedAt + "]";
    }
}
