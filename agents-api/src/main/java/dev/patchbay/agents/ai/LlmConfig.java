package dev.patchbay.agents.ai;

import java.time.Duration;

import dev.patchbay.control.app.ControlConfig;
import dev.patchbay.control.delivery.ConfigDurations;
import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * {@code patchbay.agents.llm}: the OpenAI-compatible chat completions service behind intent,
 * sentiment and routing. The URL is operator configuration, never taken from a request.
 */
public record LlmConfig(String baseUrl, String apiKey, String model, Duration connectTimeout, Duration requestTimeout) {

    public static final String BASE_URL_KEY = "patchbay.agents.llm.base-url";
    public static final String MODEL_KEY = "patchbay.agents.llm.model";

    /** The shipped application.yaml alone (the control-plane's, the process this API is mounted in). */
    public static LlmConfig defaults() {
        return from(ShippedDefaults.root(ControlConfig.class));
    }

    /** Every key must be set (empty base-url: no model); the shipped application.yaml sets them all. */
    public static LlmConfig from(Config root) {
        String p = "patchbay.agents.llm.";
        return new LlmConfig(root.get(BASE_URL_KEY).asString().get().strip(),
                root.get(p + "api-key").asString().get().strip(), root.get(MODEL_KEY).asString().get().strip(),
                ConfigDurations.require(root, p + "connect-timeout"), ConfigDurations.require(root, p + "request-timeout"));
    }

    public boolean configured() {
        return !baseUrl.isEmpty();
    }
}
