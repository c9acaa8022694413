package dev.patchbay.agents.ai;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.auth.Agent;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.transcripts.TranscriptStore;
import dev.patchbay.control.call.CallActions;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Seed 003 §9: intent detection, sentiment analysis and call routing, answered by the configured
 * chat completions model in JSON mode. The prompt asks for exactly the seed's response fields and
 * the answer is checked against them; no answer is ever filled in here.
 */
public final class AiApi {

    private static final int MAX_TEXT = 8192;
    private static final Set<String> ROUTE_TYPES = Set.of("direct", "ivr", "voicemail");
    private static final Set<String> FALLBACK_TYPES = Set.of("direct", "ivr", "voicemail", "callback");

    private static final AnswerSchema INTENT = AnswerSchema.of("intent-detection")
            .field("intent", AnswerSchema.TEXT).field("sub_intent", AnswerSchema.TEXT_OR_NULL)
            .field("entities", AnswerSchema.FLAT_OBJECT).field("confidence", AnswerSchema.number(0, 1))
            .field("suggested_action", AnswerSchema.TEXT).field("suggested_parameters", AnswerSchema.FLAT_OBJECT).build();

    private final ChatCompletions model;
    private final TranscriptStore calls;

    public AiApi(LlmConfig config, TranscriptStore calls) {
        this.model = new ChatCompletions(config);
        this.calls = calls;
    }

    public void routing(HttpRules rules) {
        rules.post(AgentAuth.PREFIX + "/agents/intent-detection", this::intent)
                .post(AgentAuth.PREFIX + "/agents/sentiment-analysis", this::sentiment)
                .post(AgentAuth.PREFIX + "/agents/call-routing", this::routing);
    }

    private void intent(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, List.of("call_id", "transcript_segment", "context"));
        Optional<String> callId = body.string("call_id");
        Optional<String> segment = body.string("transcript_segment");
        Optional<ObjectNode> context = body.object("context");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        requireSegment(segment, errors);
        if (context.isPresent() && context.get().toString().length() > MAX_TEXT) {
            errors.add(new FieldError("context", "must be at most " + MAX_TEXT + " characters of JSON"));
        }
        invalidIfAny(errors);
        requireOwnCall(req, callId);
        ObjectNode input = ApiJson.object().put("transcript_segment", segment.get());
        context.ifPresent(c -> input.set("context", c));
        String system = """
                You detect the intent of a phone caller from one transcript segment and optional context.
                Answer with one JSON object with exactly these fields and no others:
                "intent": string, a short snake_case label such as customer_support or sales_inquiry;
                "sub_intent": string or null, a finer snake_case label;
                "entities": object of the entities mentioned (string, number or boolean values), {} if none;
                "confidence": number from 0 to 1;
                "suggested_action": string, a snake_case action such as transfer_to_department;
                "suggested_parameters": object of string, number or boolean parameters for that action, {} if none.
                Only use information present in the input.""";
        ApiJson.send(res, Status.OK_200, INTENT.require(model.complete(system, input.toString())));
    }

    private void sentiment(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, List.of("call_id", "transcript_segment", "include_recommendations"));
        Optional<String> callId = body.string("call_id");
        Optional<String> segment = body.string("transcript_segment");
        boolean recommend = body.bool("include_recommendations").orElse(true);
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        requireSegment(segment, errors);
        invalidIfAny(errors);
        requireOwnCall(req, callId);
        AnswerSchema.Builder schema = AnswerSchema.of("sentiment-analysis")
                .field("sentiment", AnswerSchema.oneOf(Set.of("positive", "neutral", "negative", "mixed")))
                .field("sentiment_score", AnswerSchema.number(-1, 1)).field("emotion", AnswerSchema.TEXT)
                .field("urgency", AnswerSchema.oneOf(Set.of("low", "medium", "high")))
                .field("escalation_recommended", AnswerSchema.BOOL).field("key_phrases", AnswerSchema.TEXT_LIST);
        String recommendations = "";
        if (recommend) {
            schema.field("recommended_response_tone", AnswerSchema.TEXT).field("suggested_actions", AnswerSchema.TEXT_LIST);
            recommendations = """
                    "recommended_response_tone": string, snake_case, such as empathetic_and_solution_focused;
                    "suggested_actions": array of snake_case strings, such as acknowledge_frustration.
                    """;
        }
        String system = """
                You analyse the sentiment of one segment of a phone call transcript.
                Answer with one JSON object with exactly these fields and no others:
                "sentiment": one of "positive", "neutral", "negative", "mixed";
                "sentiment_score": number from -1 (most negative) to 1 (most positive);
                "emotion": string, one word such as frustrated, calm, happy;
                "urgency": one of "low", "medium", "high";
                "escalation_recommended": true or false;
                "key_phrases": array of phrases quoted from the segment;
                """ + recommendations;
        ObjectNode input = ApiJson.object().put("transcript_segment", segment.get());
        ApiJson.send(res, Status.OK_200, schema.build().require(model.complete(system, input.toString())));
    }

    /**
     * The seed's request plus {@code destinations}, the numbers the agent may route to: the model
     * chooses among them and an answer naming any other number is refused, so no route is invented.
     */
    private void routing(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, List.of("caller_info", "routing_criteria", "business_hours", "destinations"));
        Optional<JsonBody> caller = body.nested("caller_info", List.of("phone_number", "language", "timezone"));
        Optional<JsonBody> criteria = body.nested("routing_criteria", List.of("department", "skill_required", "priority"));
        ObjectNode input = ApiJson.object();
        caller.ifPresent(c -> input.set("caller_info", c.node()));
        criteria.ifPresent(c -> input.set("routing_criteria", c.node()));
        caller.ifPresent(c -> List.of("phone_number", "language", "timezone").forEach(c::string));
        criteria.ifPresent(c -> List.of("department", "skill_required", "priority").forEach(c::string));
        body.bool("business_hours").ifPresent(b -> input.put("business_hours", b));
        JsonNode destinations = body.node().get("destinations");
        body.requireShape();
        Map<String, String> numbers = destinations(destinations);
        input.set("destinations", destinations);
        String system = """
                You route a phone call to one of the given destinations, using the caller's information, the routing
                criteria and whether it is business hours. Answer with one JSON object with exactly these fields:
                "route_to": string, the number of one of the given destinations, exactly as given;
                "route_type": one of "direct", "ivr", "voicemail";
                "estimated_wait_time": whole number of seconds;
                "agent_available": true or false;
                "fallback_options": array of at most 5 objects, each either {"type": "direct"|"ivr"|"voicemail",
                "number": one of the given destinations' numbers} or {"type": "callback", "eta": string such as
                "15 minutes"}.
                Never name a number that is not among the destinations.""";
        AnswerSchema schema = AnswerSchema.of("call-routing")
                .field("route_to", v -> v.isTextual() && numbers.containsKey(v.textValue())
                        ? null : "must be one of the destinations' numbers " + numbers.keySet())
                .field("route_type", AnswerSchema.oneOf(ROUTE_TYPES))
                .field("estimated_wait_time", AnswerSchema.whole(0, 86_400))
                .field("agent_available", AnswerSchema.BOOL)
                .field("fallback_options", v -> fallbackProblem(v, numbers.keySet())).build();
        ApiJson.send(res, Status.OK_200, schema.require(model.complete(system, input.toString())));
    }

    /** The destinations' numbers and types; 422 naming the entry if any is not acceptable. */
    private static Map<String, String> destinations(JsonNode list) {
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > 50) {
            throw ProblemException.invalid("destinations is required: the numbers this call may be routed to",
                    List.of(new FieldError("destinations", "must be an array of 1 to 50 objects with number and type")));
        }
        Set<String> known = Set.of("number", "type", "department", "skills", "available", "estimated_wait_time");
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "destinations[" + i + "]";
            JsonNode d = list.get(i);
            if (!d.isObject()) {
                errors.add(new FieldError(at, "must be an object"));
                continue;
            }
            for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!known.contains(f)) {
                    errors.add(new FieldError(at + "." + f, "unknown field; a destination takes " + known));
                }
            }
            JsonNode number = d.path("number");
            JsonNode type = d.path("type");
            if (!number.isTextual() || !CallActions.E164.matcher(number.textValue()).matches()) {
                errors.add(new FieldError(at + ".number", "is required: an E.164 number such as +14155559999"));
            } else if (!type.isTextual() || !ROUTE_TYPES.contains(type.textValue())) {
                errors.add(new FieldError(at + ".type", "is required: one of " + ROUTE_TYPES));
            } else {
                out.put(number.textValue(), type.textValue());
            }
        }
        invalidIfAny(errors);
        return out;
    }

    private static String fallbackProblem(JsonNode v, Set<String> numbers) {
        if (!v.isArray() || v.size() > 5) {
            return "must be an array of at most 5 options";
        }
        for (JsonNode o : v) {
            JsonNode type = o.path("type");
            if (!o.isObject() || !type.isTextual() || !FALLBACK_TYPES.contains(type.textValue())) {
                return "each option needs a type, one of " + FALLBACK_TYPES;
            }
            boolean callback = type.textValue().equals("callback");
            Set<String> fields = callback ? Set.of("type", "eta") : Set.of("type", "number");
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                if (!fields.contains(it.next())) {
                    return "a " + type.textValue() + " option has exactly the fields " + fields;
                }
            }
            if (callback ? AnswerSchema.TEXT.problem(o.path("eta")) != null
                    : !(o.path("number").isTextual() && numbers.contains(o.path("number").textValue()))) {
                return callback ? "a callback option needs an eta string"
                        : "a " + type.textValue() + " option's number must be one of the destinations' " + numbers;
            }
        }
        return null;
    }

    private static void requireSegment(Optional<String> segment, List<FieldError> errors) {
        if (segment.isEmpty() || segment.get().isBlank() || segment.get().length() > MAX_TEXT) {
            errors.add(new FieldError("transcript_segment", "is required: non-blank text of at most " + MAX_TEXT + " characters"));
        }
    }

    private static void invalidIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the request has invalid fields", errors);
        }
    }

    /** A call_id given must be one of this workspace's agent calls; it is context, not sent to the model. */
    private void requireOwnCall(ServerRequest req, Optional<String> callId) {
        if (callId.isEmpty()) {
            return;
        }
        Agent agent = AgentAuth.agent(req);
        if (calls.link(callId.get()).filter(l -> l.workspaceId().equals(agent.workspaceId())).isEmpty()) {
            throw ProblemException.notFound("there is no agent call " + callId.get() + " for this API key", "call_id");
        }
    }
}
