package dev.patchbay.admin.call;

import java.time.Instant;

/** One row of {@code calls} as the console shows it: no tokens, stream URLs or custom parameters. */
public record CallSummary(String id, String workspaceId, String botId, String direction, String status,
                          String fromNumber, String toNumber, String mediaNode, String hangupCause, Integer sipStatus,
                          String reason, String recordingUrl, Instant createdAt, Instant answeredAt, Instant endedAt) {
}
