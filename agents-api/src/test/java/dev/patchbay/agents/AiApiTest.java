package dev.patchbay.agents;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.patchbay.agents.AgentsRig.JSON;
import static dev.patchbay.agents.AgentsRig.KEY_A;
import static dev.patchbay.agents.AgentsRig.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 003 §9 intent, sentiment and routing against a stand-in OpenAI-compatible server on
 * loopback (no real model can run here): the request it gets, the answers passed on exactly, and
 * the refusals of answers that do not match.
 */
class AiApiTest {

    private static final String INTENT_ANSWER = "{\"intent\":\"customer_support\",\"sub_intent\":\"order_inquiry\","
            + "\"entities\":{\"order_number\":\"12345\",\"department\":\"customer_service\"},\"confidence\":0.92,"
            + "\"suggested_action\":\"transfer_to_department\",\"suggested_parameters\":{\"department\":\"orders\","
            + "\"priority\":\"medium\"}}";
    private static final String SENTIMENT_ANSWER = "{\"sentiment\":\"negative\",\"sentiment_score\":-0.78,"
            + "\"emotion\":\"frustrated\",\"urgency\":\"high\",\"escalation_recommended\":true,"
            + "\"key_phrases\":[\"extremely frustrating\",\"waiting for 3 weeks\"],"
            + "\"recommended_response_tone\":\"empathetic_and_solution_focused\","
            + "\"suggested_actions\":[\"acknowledge_frustration\",\"offer_immediate_solution\",\"escalate_to_supervisor\"]}";
    private static final String ROUTING_REQUEST = "{\"caller_info\":{\"phone_number\":\"+14155551234\",\"language\":\"en-US\","
            + "\"timezone\":\"America/Los_Angeles\"},\"routing_criteria\":{\"department\":\"sales\",\"skill_required\":"
            + "\"spanish\",\"priority\":\"high\"},\"business_hours\":true,\"destinations\":["
            + "{\"number\":\"+14155559999\",\"type\":\"direct\",\"department\":\"sales\",\"skills\":[\"spanish\"]},"
            + "{\"number\":\"+14155559998\",\"type\":\"voicemail\"}]}";

    /** The stand-in model: records each request, answers with the next queued content. */
    private static HttpServer llm;
    private static final BlockingQueue<JsonNode> REQUESTS = new LinkedBlockingQueue<>();
    private static final BlockingQueue<String> CONTENTS = new LinkedBlockingQueue<>();
    private static AgentsRig rig;
    private static AgentsRig unconfigured;

    @BeforeAll
    static void start() throws Exception {
        llm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        llm.createContext("/v1/chat/completions", ex -> {
            JsonNode req = JSON.readTree(ex.getRequestBody());
            REQUESTS.add(JSON.createObjectNode().put("authorization", ex.getRequestHeaders().getFirst("Authorization"))
                    .put("method", ex.getRequestMethod()).set("body", req));
            if (!"Bearer sk-test".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                reply(ex, 401, "{\"error\":{\"message\":\"bad key\"}}");
                return;
            }
            String content = CONTENTS.poll();
            var completion = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion");
            completion.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                    .putObject("message").put("role", "assistant").put("content", content);
            reply(ex, 200, completion.toString());
        });
        llm.start();
        rig = new AgentsRig(Map.of("patchbay.agents.llm.base-url", "http://127.0.0.1:" + llm.getAddress().getPort() + "/v1",
                "patchbay.agents.llm.api-key", "sk-test", "patchbay.agents.llm.model", "test-model"));
        unconfigured = new AgentsRig(Map.of());
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    static void stop() {
        rig.close();
        unconfigured.close();
        llm.stop(0);
    }

    @Test
    void withoutAModelConfiguredTheEndpointsAre501NamingTheSetting() throws Exception {
        for (String path : new String[] {"intent-detection", "sentiment-analysis"}) {
            AgentsRig.Answer a = unconfigured.call("POST", "/api/v1/agents/" + path, KEY_A, "agent-1",
                    "{\"transcript_segment\":\"hello\"}");
            assertEquals(501, a.status());
            assertEquals("application/problem+json", a.headers().firstValue("Content-Type").orElse(""));
            String detail = a.body().get("detail").asText();
            assertTrue(detail.contains("patchbay.agents.llm.base-url") && detail.contains("PATCHBAY_AGENTS_LLM_BASE_URL"), detail);
        }
        assertEquals(501, unconfigured.call("POST", "/api/v1/agents/call-routing", KEY_A, "agent-1", ROUTING_REQUEST).status());
    }

    @Test
    void intentIsTheModelsAnswerFieldForField() throws Exception {
        REQUESTS.clear();
        CONTENTS.add(INTENT_ANSWER);
        AgentsRig.Answer a = rig.call("POST", "/api/v1/agents/intent-detection", KEY_A, "agent-1",
                "{\"transcript_segment\":\"I need to speak with someone about my order #12345\","
                        + "\"context\":{\"previous_intents\":[\"greeting\"],\"customer_id\":\"cust_abc\"}}");
        assertEquals(200, a.status(), a.body().toString());
        assertEquals(JSON.readTree(INTENT_ANSWER), a.body());
        JsonNode seen = REQUESTS.poll(5, TimeUnit.SECONDS);
        assertEquals("POST", seen.get("method").asText());
        assertEquals("Bearer sk-test", seen.get("authorization").asText());
        JsonNode body = seen.get("body");
        assertEquals("test-model", body.get("model").asText());
        assertEquals("json_object", body.get("response_format").get("type").asText());
        assertEquals("system", body.get("messages").get(0).get("role").asText());
        assertTrue(body.get("messages").get(0).get("content").asText().contains("\"suggested_parameters\""));
        JsonNode user = JSON.readTree(body.get("messages").get(1).get("content").asText());
        assertEquals("I need to speak with someone about my order #12345", user.get("transcript_segment").asText());
        assertEquals("cust_abc", user.get("context").get("customer_id").asText());
    }

    @Test
    void answersThatDoNotMatchAre502AndNeverRepaired() throws Exception {
        CONTENTS.add("{\"intent\":\"customer_support\",\"sub_intent\":null,\"entities\":{},\"confidence\":\"high\","
                + "\"suggested_action\":\"transfer\",\"suggested_parameters\":{},\"mood\":\"ok\"}");
        AgentsRig.Answer a = rig.call("POST", "/api/v1/agents/intent-detection", KEY_A, "agent-1",
                "{\"transcript_segment\":\"hi\"}");
        assertEquals(502, a.status());
        assertTrue(a.body().get("detail").asText().contains("the model's answer did not match"), a.body().toString());
        assertEquals("answer.confidence", a.body().get("errors").get(0).get("field").asText());
        assertEquals("answer.mood", a.body().get("errors").get(1).get("field").asText());
        CONTENTS.add("Sure! The intent is support.");
        AgentsRig.Answer prose = rig.call("POST", "/api/v1/agents/intent-detection", KEY_A, "agent-1",
                "{\"transcript_segment\":\"hi\"}");
        assertEquals(502, prose.status());
        assertEquals("answer", prose.body().get("errors").get(0).get("field").asText());
        // Without recommendations asked for, an answer carrying them does not match either.
        CONTENTS.add(SENTIMENT_ANSWER);
        AgentsRig.Answer extra = rig.call("POST", "/api/v1/agents/sentiment-analysis", KEY_A, "agent-1",
                "{\"transcript_segment\":\"This is extremely frustrating!\",\"include_recommendations\":false}");
        assertEquals(502, extra.status());
        assertEquals(2, extra.body().get("errors").size(), extra.body().toString());
        // A route to a number the agent did not offer is an invented value.
        CONTENTS.add("{\"route_to\":\"+14155550000\",\"route_type\":\"direct\",\"estimated_wait_time\":120,"
                + "\"agent_available\":true,\"fallback_options\":[]}");
        AgentsRig.Answer invented = rig.call("POST", "/api/v1/agents/call-routing", KEY_A, "agent-1", ROUTING_REQUEST);
        assertEquals(502, invented.status());
        assertEquals("answer.route_to", invented.body().get("errors").get(0).get("field").asText());
    }

    @Test
    void sentimentAndRoutingPassTheSeedsShapes() throws Exception {
        CONTENTS.add(SENTIMENT_ANSWER);
        AgentsRig.Answer s = rig.call("POST", "/api/v1/agents/sentiment-analysis", KEY_A, "agent-1",
                "{\"transcript_segment\":\"This is extremely frustrating! I've been waiting for 3 weeks!\","
                        + "\"include_recommendations\":true}");
        assertEquals(200, s.status(), s.body().toString());
        assertEquals(JSON.readTree(SENTIMENT_ANSWER), s.body());
        String routed = "{\"route_to\":\"+14155559999\",\"route_type\":\"direct\",\"estimated_wait_time\":120,"
                + "\"agent_available\":true,\"fallback_options\":[{\"type\":\"voicemail\",\"number\":\"+14155559998\"},"
                + "{\"type\":\"callback\",\"eta\":\"15 minutes\"}]}";
        CONTENTS.add(routed);
        REQUESTS.clear();
        AgentsRig.Answer r = rig.call("POST", "/api/v1/agents/call-routing", KEY_A, "agent-1", ROUTING_REQUEST);
        assertEquals(200, r.status(), r.body().toString());
        assertEquals(JSON.readTree(routed), r.body());
        JsonNode user = JSON.readTree(REQUESTS.poll(5, TimeUnit.SECONDS).get("body").get("messages").get(1).get("content").asText());
        assertEquals(2, user.get("destinations").size());
        assertEquals("spanish", user.get("routing_criteria").get("skill_required").asText());
    }

    @Test
    void requestsAreCheckedBeforeTheModelIsAsked() throws Exception {
        REQUESTS.clear();
        AgentsRig.Answer missing = rig.call("POST", "/api/v1/agents/sentiment-analysis", KEY_A, "agent-1", "{}");
        assertEquals(422, missing.status());
        assertEquals("transcript_segment", missing.body().get("errors").get(0).get("field").asText());
        AgentsRig.Answer noDestinations = rig.call("POST", "/api/v1/agents/call-routing", KEY_A, "agent-1",
                "{\"caller_info\":{\"phone_number\":\"+14155551234\"}}");
        assertEquals(422, noDestinations.status());
        assertEquals("destinations", noDestinations.body().get("errors").get(0).get("field").asText());
        AgentsRig.Answer foreignCall = rig.call("POST", "/api/v1/agents/intent-detection", KEY_B, "agent-1",
                "{\"call_id\":\"CAnone\",\"transcript_segment\":\"hi\"}");
        assertEquals(404, foreignCall.status());
        assertTrue(REQUESTS.isEmpty(), "the model was not asked");
    }
}
