package dev.patchbay.agents.ai;

import java.time.Duration;

import dev.patchbay.control.app.ControlConfig;
import dev.patchbay.control.delivery.ConfigDurations;
import dev.patchbay.startup.ShippedDefaults;
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

    /** The shipped application.yaml alone (the control-plane's, the process this API is mounted in). */
    public static VoiceConfig defaults() {
        return from(ShippedDefaults.root(ControlConfig.class));
    }

    /** Every key must be set; the shipped application.yaml sets them all. */
    public static VoiceConfig from(Config root) {
        String p = "patchbay.agents.voice.";
        return new VoiceConfig(root.get(p + "espeak").asString().get(), root.get(p + "default-voice").asString().get(),
                ConfigDurations.requirePositiveInt(root, p + "max-text"), ConfigDurations.require(root, p + "timeout"),
                ConfigDurations.require(root, p + "audio-ttl"));
    }
}
