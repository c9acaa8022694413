package dev.patchbay.agents.ai;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;

/**
 * The exact fields a model's answer must have, each with its check. An answer with a field
 * missing, extra or of the wrong kind is refused whole (502): the endpoint passes on what the
 * model said, never a repaired or defaulted version of it.
 */
final class AnswerSchema {

    /** Why a value is not acceptable, or null if it is. */
    @FunctionalInterface
    interface Check {
        String problem(JsonNode value);
    }

    static final Check TEXT = v -> v.isTextual() && !v.textValue().isBlank() && v.textValue().length() <= 500
            ? null : "must be a non-blank string of at most 500 characters";
    static final Check TEXT_OR_NULL = v -> v.isNull() ? null : TEXT.problem(v);
    static final Check BOOL = v -> v.isBoolean() ? null : "must be true or false";
    static final Check TEXT_LIST = v -> {
        if (!v.isArray() || v.size() > 20) {
            return "must be an array of at most 20 strings";
        }
        for (JsonNode e : v) {
            if (TEXT.problem(e) != null) {
                return "must be an array of non-blank strings";
            }
        }
        return null;
    };
    /** Free-form but flat: string, number or boolean values, as the seed's entities and parameters. */
    static final Check FLAT_OBJECT = v -> {
        if (!v.isObject() || v.size() > 30) {
            return "must be an object of at most 30 fields";
        }
        for (JsonNode e : v) {
            if (!(e.isTextual() || e.isNumber() || e.isBoolean())) {
                return "must be an object whose values are strings, numbers or booleans";
            }
        }
        return null;
    };

    static Check number(double min, double max) {
        return v -> v.isNumber() && v.doubleValue() >= min && v.doubleValue() <= max
                ? null : "must be a number from " + min + " to " + max;
    }

    static Check whole(long min, long max) {
        return v -> v.isIntegralNumber() && v.longValue() >= min && v.longValue() <= max
                ? null : "must be a whole number from " + min + " to " + max;
    }

    static Check oneOf(Set<String> values) {
        return v -> v.isTextual() && values.contains(v.textValue()) ? null : "must be one of " + values;
    }

    private final String what;
    private final Map<String, Check> fields;

    private AnswerSchema(String what, Map<String, Check> fields) {
        this.what = what;
        this.fields = fields;
    }

    static Builder of(String what) {
        return new Builder(what);
    }

    /** The field names, in order, for the prompt. */
    List<String> names() {
        return List.copyOf(fields.keySet());
    }

    /** The answer itself if it matches exactly; else 502 naming each bad field as {@code answer.<field>}. */
    ObjectNode require(ObjectNode answer) {
        List<FieldError> errors = new ArrayList<>();
        fields.forEach((name, check) -> {
            JsonNode v = answer.get(name);
            String problem = v == null ? "is missing" : check.problem(v);
            if (problem != null) {
                errors.add(new FieldError("answer." + name, problem));
            }
        });
        for (Iterator<String> it = answer.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!fields.containsKey(name)) {
                errors.add(new FieldError("answer." + name, "is not a field of the " + what + " response"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.of(502, "the model's answer did not match the " + what + " response fields "
                    + fields.keySet() + "; nothing was made up in its place", errors);
        }
        return answer;
    }

    static final class Builder {
        private final String what;
        private final Map<String, Check> fields = new LinkedHashMap<>();

        private Builder(String what) {
            this.what = what;
        }

        Builder field(String name, Check check) {
            fields.put(name, check);
            return this;
        }

        AnswerSchema build() {
            return new AnswerSchema(what, Collections.unmodifiableMap(new LinkedHashMap<>(fields)));
        }
    }
}
