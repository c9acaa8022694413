package dev.patchbay.agents.ai;

import java.time.Duration;

import dev.patchbay.control.delivery.ConfigDurations;
import io.helidon.config.Config;

/**
 * {@code patchbay.agents.llm}: the OpenAI-compatible chat completions service behind intent,
 * sentiment and routing. The URL is operator configuration, never taken from a request.
 */
public record LlmConfig(String baseUrl, String apiKey, String model, Duration connectTimeout, Duration requestTimeout) {

    public static final String BASE_URL_KEY = "patchbay.agents.llm.base-url";
    public static final String MODEL_KEY = "patchbay.agents.llm.model";

    public static LlmConfig from(Config root) {
        String p = "patchbay.agents.llm.";
        return new LlmConfig(root.get(BASE_URL_KEY).asString().orElse("").strip(),
                root.get(p + "api-key").asString().orElse("").strip(), root.get(MODEL_KEY).asString().orElse("").strip(),
                ConfigDurations.get(root, p + "connect-timeout", Duration.ofSeconds(5)),
                ConfigDurations.get(root, p + "request-timeout", Duration.ofSeconds(30)));
    }

    public boolean configured() {
        return !baseUrl.isEmpty();
    }
}
