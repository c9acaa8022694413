package dev.patchbay.agents.ai;

import java.time.Duration;

import dev.patchbay.control.delivery.ConfigDurations;
import io.helidon.config.Config;

/**
 * {@code patchbay.agents.voice}: speech synthesis with espeak-ng.
 *
 * @param espeak       the espeak-ng binary, on PATH or a full path
 * @param defaultVoice the espeak voice used when the requested voice's language has none
 * @param maxText      the longest text, in characters
 * @param timeout      the longest a rendering may take
 * @param audioTtl     how long audio_url serves a clip
 */
public record VoiceConfig(String espeak, String defaultVoice, int maxText, Duration timeout, Duration audioTtl) {

    public static VoiceConfig from(Config root) {
        String p = "patchbay.agents.voice.";
        return new VoiceConfig(root.get(p + "espeak").asString().orElse("espeak-ng"),
                root.get(p + "default-voice").asString().orElse("en-us"),
                ConfigDurations.positiveInt(root, p + "max-text", 5000),
                ConfigDurations.get(root, p + "timeout", Duration.ofSeconds(20)),
                ConfigDurations.get(root, p + "audio-ttl", Duration.ofHours(6)));
    }
}
