package dev.patchbay.agents.transcripts.asr;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import dev.patchbay.control.app.ControlConfig;
import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * {@code patchbay.agents.transcripts.asr}: the streaming recogniser recorded calls are sent to when
 * their transcription was enabled ({@code POST /calls/{call_id}/transcribe}). Defaults live only in
 * application.yaml.
 *
 * @param url     the recogniser's {@code ws://} or {@code wss://} listen endpoint; empty = none (bots post transcripts)
 * @param apiKey  sent as {@code Authorization: Token <key>}; empty = no header
 * @param timeout the longest connecting, one audio frame or the last results may take
 */
public record AsrConfig(String url, String apiKey, Duration timeout) {

    /** The shipped application.yaml alone (the control-plane's, the process this API is mounted in). */
    public static AsrConfig defaults() {
        return from(ShippedDefaults.root(ControlConfig.class));
    }

    public static AsrConfig from(Config root) {
        Config p = root.get("patchbay.agents.transcripts.asr");
        return new AsrConfig(p.get("url").asString().get().strip(), p.get("api-key").asString().get(),
                p.get("timeout").as(Duration.class).get());
    }

    /** The provider, when one is configured. */
    public Optional<TranscriptionProvider> provider() {
        return url.isEmpty() ? Optional.empty() : Optional.of(new WebSocketAsr(URI.create(url), apiKey, timeout));
    }
}
