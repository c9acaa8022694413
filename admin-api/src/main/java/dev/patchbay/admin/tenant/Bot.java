package dev.patchbay.admin.tenant;

import java.time.Instant;

/**
 * Where a workspace's calls are answered.
 *
 * @param url     the bot's endpoint; {@code null} for echo bots and for gRPC bots that dial in
 * @param dialect the WebSocket message dialect of a {@code wss} bot; {@code null} for every other kind
 */
public record Bot(String id, String workspaceId, String name, BotKind kind, String url, String dialect,
                  Instant createdAt) {
}
