package dev.patchbay.agents.calls;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.delivery.TargetUrls;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;

/**
 * An {@code initiate} request, read and checked for shape: the seed's fields, plus two Patchbay
 * additions that say where the call's audio goes ({@code websocket_url} and {@code dialect}; without
 * them the agent attaches over gRPC with the returned token). Batch, scheduled and queued calls
 * replay the same request, so it is also their stored form.
 */
public record CallRequest(String sessionId, String toNumber, String fromNumber, Boolean privacyMode, String callerIdName,
                          Integer maxDuration, boolean recordCall, boolean transcribe, String language, String webhookUrl,
                          ObjectNode metadata, String websocketUrl, String dialect) {

    public static final List<String> FIELDS = List.of("session_id", "to_number", "from_number", "privacy_mode",
            "caller_id_name", "call_settings", "webhook_url", "metadata", "websocket_url", "dialect");
    public static final List<String> SETTINGS = List.of("max_duration", "record_call", "transcribe", "language");

    /** Reads the fields; shape errors are reported by {@code body.requireShape()}. */
    public static CallRequest read(JsonBody body) {
        Optional<JsonBody> settings = body.nested("call_settings", SETTINGS);
        return new CallRequest(body.string("session_id").orElse(null), body.string("to_number").orElse(null),
                body.string("from_number").orElse(null), body.bool("privacy_mode").orElse(null),
                body.string("caller_id_name").orElse(null),
                settings.flatMap(s -> s.integer("max_duration")).map(Long::intValue).orElse(null),
                settings.flatMap(s -> s.bool("record_call")).orElse(false),
                settings.flatMap(s -> s.bool("transcribe")).orElse(false),
                settings.flatMap(s -> s.string("language")).orElse(null), body.string("webhook_url").orElse(null),
                body.object("metadata").orElse(null), body.string("websocket_url").orElse(null),
                body.string("dialect").orElse(null));
    }

    /** The request as initiate takes it, to store and replay. */
    public ObjectNode toJson() {
        ObjectNode o = dev.patchbay.rest.ApiJson.object().put("session_id", sessionId).put("to_number", toNumber);
        putIf(o, "from_number", fromNumber);
        if (privacyMode != null) {
            o.put("privacy_mode", privacyMode);
        }
        putIf(o, "caller_id_name", callerIdName);
        ObjectNode settings = o.putObject("call_settings").put("record_call", recordCall).put("transcribe", transcribe);
        if (maxDuration != null) {
            settings.put("max_duration", maxDuration);
        }
        putIf(settings, "language", language);
        putIf(o, "webhook_url", webhookUrl);
        if (metadata != null) {
            o.set("metadata", metadata);
        }
        putIf(o, "websocket_url", websocketUrl);
        putIf(o, "dialect", dialect);
        return o;
    }

    private static void putIf(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    /** The same request for another number and session, as batch and queue entries give them. */
    public CallRequest to(String sessionId, String number, ObjectNode itemMetadata) {
        return new CallRequest(sessionId, number, fromNumber, privacyMode, callerIdName, maxDuration, recordCall, transcribe,
                language, webhookUrl, itemMetadata != null ? itemMetadata : metadata, websocketUrl, dialect);
    }

    /** Value checks that need no database. */
    public List<FieldError> problems() {
        List<FieldError> errors = new ArrayList<>();
        if (toNumber == null || toNumber.isBlank()) {
            errors.add(new FieldError("to_number", "is required: an E.164 number such as +14155551234"));
        }
        if (fromNumber != null && !fromNumber.matches("\\+[1-9][0-9]{1,14}")) {
            errors.add(new FieldError("from_number", "must be an E.164 number such as +12025551000"));
        }
        if (callerIdName != null && (callerIdName.length() > 64 || !callerIdName.matches("[\\p{L}\\p{N} .,'&()-]*"))) {
            errors.add(new FieldError("caller_id_name", "must be at most 64 letters, digits, spaces and .,'&()-"));
        }
        if (maxDuration != null && (maxDuration < 1 || maxDuration > 86_400)) {
            errors.add(new FieldError("call_settings.max_duration", "must be 1 to 86400 seconds"));
        }
        if (language != null && !language.matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")) {
            errors.add(new FieldError("call_settings.language", "must be a BCP 47 tag such as en-US"));
        }
        if (metadata != null && metadata.toString().length() > 8192) {
            errors.add(new FieldError("metadata", "must be at most 8192 characters of JSON"));
        }
        if (dialect != null && !List.of("twilio", "jambonz", "plivo").contains(dialect)) {
            errors.add(new FieldError("dialect", "must be twilio, jambonz or plivo"));
        }
        TargetUrls.check(errors, "webhook_url", webhookUrl, SsrfGuard.HTTP_SCHEMES, false);
        TargetUrls.check(errors, "websocket_url", websocketUrl, SsrfGuard.WEBSOCKET_SCHEMES, false);
        return errors;
    }
}
