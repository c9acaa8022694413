package dev.patchbay.admin.tenant;

import java.time.Instant;

/**
 * A provider API key as stored: the secret itself is never kept, only its SHA-256.
 *
 * @param secretSha256 lower-case hex SHA-256 of the secret's UTF-8 bytes, as the control-plane's ApiKeyAuth compares it
 * @param revokedAt    when the key stopped working; null while it works
 */
public record ApiKey(String id, String workspaceId, String name, String secretSha256, Instant createdAt,
                     Instant revokedAt) {

    // The hash is not a secret that opens anything, but there is no reason for it to reach a log line.
    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", workspaceId=" + workspaceId + ", name=" + name + ", createdAt=" + createdAt
                + ", revokedAt=" + revokedAt + "]";
    }
}
