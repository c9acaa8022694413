package dev.patchbay.rest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request body that is a JSON object, read field by field. Shape errors (unknown fields, wrong
 * JSON types) are collected rather than thrown one at a time, so a client learns about all of them
 * from one 400.
 */
public final class JsonBody {

    private final ObjectNode node;
    private final List<FieldError> shapeErrors;
    // "" at the top; "sip." inside {"sip":{…}}, so errors name the field as clients write it.
    private final String prefix;

    JsonBody(ObjectNode node, List<String> fields) {
        this(node, fields, "", new ArrayList<>());
    }

    private JsonBody(ObjectNode node, List<String> fields, String prefix, List<FieldError> shapeErrors) {
        this.node = node;
        this.prefix = prefix;
        this.shapeErrors = shapeErrors;
        Set<String> known = Set.copyOf(fields);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                shapeErrors.add(new FieldError(prefix + name, "unknown field; this "
                        + (prefix.isEmpty() ? "request" : "object") + " takes " + String.join(", ", fields)));
            }
        }
    }

    /** A stored JSON object read like a request body, e.g. a request replayed later. */
    public static JsonBody of(ObjectNode node, List<String> fields) {
        return new JsonBody(node, fields);
    }

    /** The object itself, for values kept as given (free-form JSON). */
    public ObjectNode node() {
        return node;
    }

    /**
     * A nested object that may hold only {@code fields}, read like the body itself; its shape errors
     * are named {@code field.child} and reported by this body's {@link #requireShape()}.
     */
    public Optional<JsonBody> nested(String field, List<String> fields) {
        return object(field).map(o -> new JsonBody(o, fields, prefix + field + ".", shapeErrors));
    }

    /** A JSON object of any content, e.g. free-form variables; empty when absent or null. */
    public Optional<ObjectNode> object(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            shapeErrors.add(new FieldError(prefix + field, "must be an object, not " + value.getNodeType().name().toLowerCase(Locale.ROOT)));
            return Optional.empty();
        }
        return Optional.of((ObjectNode) value);
    }

    /** The field's text; empty when absent or null. A non-string value is a shape error. */
    public Optional<String> string(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            shapeErrors.add(new FieldError(prefix + field, "must be a string, not " + value.getNodeType().name().toLowerCase(Locale.ROOT)));
            return Optional.empty();
        }
        return Optional.of(value.textValue());
    }

    /** The field's whole-number value; empty when absent or null. Any other JSON type is a shape error. */
    public Optional<Long> integer(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            shapeErrors.add(new FieldError(prefix + field, "must be a whole number, not " + value.getNodeType().name().toLowerCase(Locale.ROOT)));
            return Optional.empty();
        }
        return Optional.of(value.longValue());
    }

    /** The field's boolean; empty when absent or null. Any other JSON type is a shape error. */
    public Optional<Boolean> bool(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            shapeErrors.add(new FieldError(prefix + field, "must be true or false, not " + value.getNodeType().name().toLowerCase(Locale.ROOT)));
            return Optional.empty();
        }
        return Optional.of(value.booleanValue());
    }

    /** The field's number, whole or not; empty when absent or null. Any other JSON type is a shape error. */
    public Optional<Double> decimal(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isNumber()) {
            shapeErrors.add(new FieldError(prefix + field, "must be a number, not " + value.getNodeType().name().toLowerCase(Locale.ROOT)));
            return Optional.empty();
        }
        return Optional.of(value.doubleValue());
    }

    /** A JSON object of string values, in its order; empty when absent or null. */
    public Optional<Map<String, String>> stringMap(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            shapeErrors.add(new FieldError(prefix + field, "must be an object of strings, not " + value.getNodeType().name().toLowerCase(Locale.ROOT)));
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                shapeErrors.add(new FieldError(prefix + field + "." + e.getKey(), "must be a string"));
            } else {
                out.put(e.getKey(), e.getValue().textValue());
            }
        }
        return Optional.of(out);
    }

    /** A JSON array of strings, in its order; empty when absent or null. */
    public Optional<List<String>> stringList(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            shapeErrors.add(new FieldError(field, "must be an array of strings, not " + value.getNodeType().name().toLowerCase(Locale.ROOT)));
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                shapeErrors.add(new FieldError(field + "[" + i + "]", "must be a string"));
            } else {
                out.add(value.get(i).textValue());
            }
        }
        return Optional.of(out);
    }

    /**
     * Ends the request with 400 if any field was unknown or of the wrong type. Call it after reading
     * every field and before judging the values.
     */
    public void requireShape() {
        if (!shapeErrors.isEmpty()) {
            throw ProblemException.badRequest("the request body does not have the expected fields", shapeErrors);
        }
    }
}
