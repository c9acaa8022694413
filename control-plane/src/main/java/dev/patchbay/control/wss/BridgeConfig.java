package dev.patchbay.control.wss;

import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * The WSS bridge's queue and pool sizes ({@code patchbay.control.bridge.*}); defaults live in application.yaml.
 *
 * @param senders         threads per media node that encode and send caller frames to the bots; 0 = one per core
 * @param senderQueue     bridges with a send waiting at once per node; beyond them a send runs on the mux's thread
 * @param muxBatchBytes   bot audio held for a media node whose stream is not ready; newer bot frames past it are
 *                        dropped and counted ({@code patchbay_wss_bridge_bot_frames_dropped_total})
 * @param botQueueFrames  caller frames one bridge holds for a bot that reads slowly; the oldest go beyond it
 */
public record BridgeConfig(int senders, int senderQueue, int muxBatchBytes, int botQueueFrames) {

    public BridgeConfig {
        if (senders < 0 || senderQueue < 1 || muxBatchBytes < 1024 || botQueueFrames < 1) {
            throw new IllegalArgumentException("patchbay.control.bridge.senders must be 0 or more, .sender-queue and "
                    + ".bot-queue-frames 1 or more, .mux-batch-bytes 1024 or more; got " + senders + ", " + senderQueue
                    + ", " + botQueueFrames + ", " + muxBatchBytes);
        }
    }

    /** The shipped application.yaml alone, without environment or system properties. */
    public static BridgeConfig defaults() {
        return from(ShippedDefaults.root(BridgeConfig.class));
    }

    public static BridgeConfig from(Config root) {
        Config b = root.get("patchbay.control.bridge");
        return new BridgeConfig(b.get("senders").asInt().get(), b.get("sender-queue").asInt().get(),
                b.get("mux-batch-bytes").asInt().get(), b.get("bot-queue-frames").asInt().get());
    }

    /** Sender threads per node: the configured number, or one per core. */
    int senderThreads() {
        return senders > 0 ? senders : Runtime.getRuntime().availableProcessors();
    }

    public BridgeConfig withMuxBatchBytes(int bytes) {
        return new BridgeConfig(senders, senderQueue, bytes, botQueueFrames);
    }

    public BridgeConfig withBotQueueFrames(int frames) {
        return new BridgeConfig(senders, senderQueue, muxBatchBytes, frames);
    }
}
