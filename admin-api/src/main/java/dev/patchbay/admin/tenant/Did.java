package dev.patchbay.admin.tenant;

import java.time.Instant;

/**
 * A dialled number and the bot it reaches.
 *
 * @param number E.164 ({@code +14155550100}) or a SIP user part ({@code echo}); unique platform-wide
 * @param earlyMedia what a caller of this number hears while the call rings, overriding the bot's; null keeps the bot's (V14)
 */
public record Did(String id, String workspaceId, String number, String botId, EarlyMediaChoice earlyMedia, Instant createdAt) {
}
