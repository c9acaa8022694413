package dev.patchbay.control.call;

import dev.patchbay.control.model.CallRecord;
import java.time.Duration;
import java.util.Map;

/** Asks a webhook bot's platform where the call's audio should go (seed 001, section 3). */
public interface BotWebhookClient {

    /** The platform's answer. */
    sealed interface Answer {
        /**
         * Stream to this WebSocket URL; a null dialect means the bot's configured one. {@code infoOnEnd}, when not
         * null, is the JSON the far end gets as SIP INFO once the bot's stream ends (RingCX's final INFO).
         */
        record Stream(String url, String dialect, int sampleRate, Map<String, String> customParameters, String infoOnEnd)
                implements Answer {
            public Stream(String url, String dialect, int sampleRate, Map<String, String> customParameters) {
                this(url, dialect, sampleRate, customParameters, null);
            }
        }

        /** The bot attaches itself over gRPC with the token the webhook carried. */
        record Grpc() implements Answer { }

        /** Refuse the call with this SIP status. */
        record Reject(int sipStatus, String reason) implements Answer { }
    }

    /**
     * Blocks for at most {@code timeout}, or the configured webhook timeout when it is null (the bot
     * has none of its own); never throws, a failure is a Reject.
     */
    Answer ask(String webhookUrl, String workspaceId, CallRecord call, String attachToken, Duration timeout);
}
