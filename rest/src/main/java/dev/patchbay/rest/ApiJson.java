package dev.patchbay.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * JSON in and out of the REST API: request bodies are read as JSON objects and checked field by
 * field; responses and RFC 9457 problems are written here, so every endpoint speaks the same way.
 */
public final class ApiJson {

    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    // Built once and never reconfigured, which is what makes sharing an ObjectMapper safe.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ApiJson() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Reads the body as a JSON object that may hold only {@code fields}.
     *
     * @throws ProblemException 415 for a non-JSON Content-Type, 400 for an empty or malformed body
     */
    public static JsonBody read(ServerRequest req, List<String> fields) {
        requireJson(req);
        byte[] bytes = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        if (bytes.length == 0) {
            throw ProblemException.of(400, "the request body is empty; send a JSON object",
                    new FieldError("body", "must be a JSON object"));
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            String detail = "the request body is not valid JSON: " + e.getOriginalMessage() + where(e.getLocation());
            throw ProblemException.of(400, detail, new FieldError("body", detail));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw ProblemException.of(400, "the request body must be a JSON object",
                    new FieldError("body", "must be a JSON object, not " + node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return new JsonBody(object, fields);
    }

    public static void send(ServerResponse res, Status status, JsonNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(bytes(body));
    }

    /** Writes a problem; {@code instance} is the request path it answers. */
    public static void sendProblem(ServerResponse res, String instance, ProblemException problem) {
        res.status(Status.create(problem.status()));
        problem.headers().forEach(res::header);
        res.header(HeaderNames.CONTENT_TYPE, PROBLEM_JSON);
        res.send(problem(instance, problem));
    }

    /** The RFC 9457 body of a problem. */
    static byte[] problem(String instance, ProblemException problem) {
        Status status = Status.create(problem.status());
        ObjectNode body = object()
                .put("type", "about:blank")
                .put("title", status.reasonPhrase())
                .put("status", status.code())
                .put("detail", problem.detail())
                .put("instance", instance);
        if (!problem.errors().isEmpty()) {
            ArrayNode errors = body.putArray("errors");
            problem.errors().forEach(e -> errors.addObject().put("field", e.field()).put("detail", e.detail()));
        }
        return bytes(body);
    }

    private static void requireJson(ServerRequest req) {
        Optional<HttpMediaType> type;
        try {
            type = req.headers().contentType();
        } catch (IllegalArgumentException e) {
            type = Optional.empty();
        }
        String given = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("none");
        boolean json = type.map(t -> t.type().equalsIgnoreCase("application")
                && (t.subtype().equalsIgnoreCase("json") || t.subtype().toLowerCase(Locale.ROOT).endsWith("+json")))
                .orElse(false);
        // RFC 8259: JSON between systems is UTF-8; a body declared otherwise would be misread.
        boolean utf8 = type.flatMap(HttpMediaType::charset).map(c -> c.equalsIgnoreCase("utf-8")).orElse(true);
        if (!json || !utf8) {
            String detail = "the request body must be sent as Content-Type: application/json (UTF-8), not " + given;
            throw ProblemException.of(415, detail, new FieldError("Content-Type", detail));
        }
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 0 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
