package dev.patchbay.admin.tenant;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a workspace's calls are answered.
 *
 * @param url     the bot's endpoint; {@code null} for echo bots and for gRPC bots that dial in
 * @param dialect the WebSocket message dialect of a {@code wss} bot; {@code null} for every other kind
 * @param sampleRate the rate a {@code wss} bot's audio is streamed at: 8000, or 16000 (not with twilio)
 * @param customParameters merged into the bot's start customParameters on every call; empty for none
 * @param timeouts the bot's own connect/answer timeouts; null ones keep the control-plane's global settings
 * @param earlyMedia what a caller hears while the bot's webhook decides (V14)
 */
public record Bot(String id, String workspaceId, String name, BotKind kind, String url, String dialect, int sampleRate,
                  Map<String, String> customParameters, BotTimeouts timeouts, EarlyMediaChoice earlyMedia,
                  Instant createdAt) {

    public Bot {
        // Insertion order kept: it is the order the bot's start message lists them in.
        customParameters = Collections.unmodifiableMap(new LinkedHashMap<>(customParameters));
    }
}
