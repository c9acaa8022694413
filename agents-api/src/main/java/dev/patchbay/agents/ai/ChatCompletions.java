package dev.patchbay.agents.ai;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;

/**
 * One JSON-mode chat completion: a system prompt and a user message in, the model's JSON object
 * out. Anything else (unconfigured, unreachable, an error status, content that is not a JSON
 * object) ends the request with a problem rather than a guessed answer.
 */
final class ChatCompletions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LlmConfig config;
    private final HttpClient http;

    ChatCompletions(LlmConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The model's answer as a JSON object. */
    ObjectNode complete(String system, String user) {
        if (!config.configured()) {
            throw ProblemException.of(501, "no language model is configured: set " + LlmConfig.BASE_URL_KEY
                    + " (env PATCHBAY_AGENTS_LLM_BASE_URL) to an OpenAI-compatible API such as https://api.openai.com/v1,"
                    + " with " + LlmConfig.MODEL_KEY + " and patchbay.agents.llm.api-key");
        }
        if (config.model().isEmpty()) {
            throw ProblemException.of(501, LlmConfig.BASE_URL_KEY + " is set but " + LlmConfig.MODEL_KEY
                    + " (env PATCHBAY_AGENTS_LLM_MODEL) is empty; name the model to use");
        }
        ObjectNode body = JSON.createObjectNode().put("model", config.model()).put("temperature", 0);
        body.putObject("response_format").put("type", "json_object");
        body.putArray("messages").add(JSON.createObjectNode().put("role", "system").put("content", system))
                .add(JSON.createObjectNode().put("role", "user").put("content", user));
        String base = config.baseUrl().endsWith("/") ? config.baseUrl().substring(0, config.baseUrl().length() - 1)
                : config.baseUrl();
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                .timeout(config.requestTimeout()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (!config.apiKey().isEmpty()) {
            req.header("Authorization", "Bearer " + config.apiKey());
        }
        HttpResponse<String> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw ProblemException.of(504, "the language model did not answer within " + config.requestTimeout().toSeconds()
                    + " s (patchbay.agents.llm.request-timeout)");
        } catch (IOException e) {
            throw ProblemException.of(502, "the language model could not be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.of(503, "interrupted while waiting for the language model");
        }
        if (res.statusCode() / 100 != 2) {
            throw ProblemException.of(502, "the language model answered HTTP " + res.statusCode());
        }
        JsonNode content;
        try {
            content = JSON.readTree(res.body()).path("choices").path(0).path("message").path("content");
        } catch (JsonProcessingException e) {
            throw malformed("the completion is not JSON");
        }
        if (!content.isTextual()) {
            throw malformed("the completion has no choices[0].message.content");
        }
        try {
            JsonNode answer = JSON.readTree(content.textValue());
            if (answer instanceof ObjectNode o) {
                return o;
            }
        } catch (JsonProcessingException e) {
            // reported below, as any other non-object answer
        }
        throw malformed("the model's answer is not a JSON object");
    }

    static ProblemException malformed(String why) {
        return ProblemException.of(502, "the model's answer did not match the expected response: " + why,
                new FieldError("answer", why));
    }
}
