package dev.patchbay.control.integration.asapp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.SecretBox;

/**
 * The call-transfer resource on the wire, with seed 004's field names exactly: the create request is
 * checked field by field (unknown fields 400, bad values 422, every fault named), the response is
 * written in the seed's order, and a bot's outputContext is judged the same way for REST and WSS.
 */
final class TransferJson {

    static final List<String> CREATE_FIELDS = List.of("id", "externalConversationId", "type", "sip", "inputContext");
    static final List<String> SIP_FIELDS = List.of("returnURI", "returnTransferType", "returnInviteAuthentication");
    static final List<String> AUTH_FIELDS = List.of("username", "password");
    static final List<String> INPUT_FIELDS = List.of("taskName", "inputVariables");
    static final List<String> OUTPUT_FIELDS = List.of("transferType", "currentTaskName", "referenceVariables", "transferVariables");
    static final int MAX_URI = 1024;

    // Unreserved URI characters: the id goes into SIP headers and, through the template, a URI user part.
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");
    // A sip:/sips: URI with user@host; no whitespace, controls, or the characters that end a name-addr.
    private static final Pattern SIP_URI = Pattern.compile("sips?:[^\\s<>\"@]+@[^\\s<>\"]+");
    private static final Set<String> TRANSFER_TYPES = Set.of("AGENT", "SYSTEM");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TransferJson() {
    }

    /** A create request read from {@code body}; nothing is stored until it has passed every check. */
    static CallTransfer create(JsonBody body, String workspaceId, AsappConfig config, SecretBox secrets, Instant now) {
        Optional<String> id = body.string("id");
        Optional<String> conversation = body.string("externalConversationId");
        Optional<String> type = body.string("type");
        Optional<JsonBody> sip = body.nested("sip", SIP_FIELDS);
        Optional<String> returnUri = sip.flatMap(s -> s.string("returnURI"));
        Optional<String> returnType = sip.flatMap(s -> s.string("returnTransferType"));
        Optional<JsonBody> auth = sip.flatMap(s -> s.nested("returnInviteAuthentication", AUTH_FIELDS));
        Optional<String> username = auth.flatMap(a -> a.string("username"));
        Optional<String> password = auth.flatMap(a -> a.string("password"));
        Optional<JsonBody> input = body.nested("inputContext", INPUT_FIELDS);
        Optional<String> taskName = input.flatMap(i -> i.string("taskName"));
        Optional<ObjectNode> variables = input.flatMap(i -> i.object("inputVariables"));
        body.requireShape();

        List<FieldError> errors = new ArrayList<>();
        if (id.isEmpty() || !ID.matcher(id.get()).matches()) {
            errors.add(new FieldError("id", "is required: 1 to 128 of A-Z a-z 0-9 . _ ~ - (it travels in the"
                    + " X-ASAPP-CallTransferId header)"));
        }
        if (conversation.isEmpty() || conversation.get().isBlank() || conversation.get().length() > 256) {
            errors.add(new FieldError("externalConversationId", "is required: 1 to 256 characters"));
        }
        if (!type.equals(Optional.of("SIP"))) {
            errors.add(new FieldError("type", type.isEmpty() ? "is required and must be SIP" : "must be SIP, not '" + type.get() + "'"));
        }
        CallTransfer.ReturnType effective = config.returnTransferType();
        if (returnType.isPresent()) {
            Optional<CallTransfer.ReturnType> parsed = CallTransfer.ReturnType.parse(returnType.get());
            if (parsed.isEmpty()) {
                errors.add(new FieldError("sip.returnTransferType", "must be one of BYE, REFER, INVITE, not '"
                        + returnType.get() + "'"));
            } else {
                effective = parsed.get();
            }
        }
        if (returnUri.isPresent()) {
            String uri = returnUri.get();
            if (uri.length() > MAX_URI) {
                errors.add(new FieldError("sip.returnURI", "must be at most " + MAX_URI + " characters, not " + uri.length()));
            } else if (!SIP_URI.matcher(uri).matches()) {
                errors.add(new FieldError("sip.returnURI", "must be a sip: or sips: URI with user@host and no spaces,"
                        + " e.g. sip:user@customer-sbc.example.com;User-to-User=UUI-12345"));
            } else if (effective == CallTransfer.ReturnType.INVITE && uri.startsWith("sips:")) {
                errors.add(new FieldError("sip.returnURI", "an INVITE return cannot go to a sips: URI yet; use sip: with"
                        + " ;transport=tls or ;transport=tcp to choose the transport"));
            }
        } else if (effective != CallTransfer.ReturnType.BYE) {
            errors.add(new FieldError("sip.returnURI", "is required when the return is " + effective));
        }
        if (taskName.isPresent() && (taskName.get().isBlank() || taskName.get().length() > 256)) {
            errors.add(new FieldError("inputContext.taskName", "must be 1 to 256 characters"));
        }
        if (username.map(u -> u.length() > 255).orElse(false) || password.map(p -> p.length() > 255).orElse(false)) {
            errors.add(new FieldError("sip.returnInviteAuthentication", "username and password must be at most 255 characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the call transfer has invalid fields", errors);
        }
        String inputJson = input.isEmpty() ? null : write(inputContext(taskName, variables));
        return new CallTransfer(id.orElseThrow(), workspaceId, conversation.orElseThrow(), "SIP", returnUri.orElse(null),
                effective, username.orElse(null), password.map(secrets::seal).orElse(null), inputJson, null,
                CallTransfer.Status.ACTIVE, null, now, now.plus(config.transferTtl()), null, null);
    }

    private static ObjectNode inputContext(Optional<String> taskName, Optional<ObjectNode> variables) {
        ObjectNode out = ApiJson.object();
        taskName.ifPresent(t -> out.put("taskName", t));
        variables.ifPresent(v -> out.set("inputVariables", v));
        return out;
    }

    /** The resource as GET and create answer it; outputContext only once COMPLETED, as the seed says. */
    static ObjectNode response(CallTransfer t, Instant now, AsappConfig config) {
        CallTransfer.Status status = t.statusAt(now);
        ObjectNode out = ApiJson.object()
                .put("id", t.id())
                .put("externalConversationId", t.externalConversationId())
                .put("status", status.name())
                .put("type", t.type());
        if (t.inputContextJson() != null) {
            out.set("inputContext", read(t.inputContextJson()));
        }
        ObjectNode sip = out.putObject("sip");
        if (t.returnUri() != null) {
            sip.put("returnURI", t.returnUri());
        }
        sip.put("returnTransferType", t.returnType().name());
        if (t.authUsername() != null) {
            // The password is never echoed.
            sip.putObject("returnInviteAuthentication").put("username", t.authUsername());
        }
        // Patchbay addition: where to send the call (the seed's "static SIP URI"), with X-ASAPP-CallTransferId.
        sip.put("destinationURI", config.destinationUri(t.id()));
        out.put("createdAt", time(t.createdAt()));
        if (t.callReceivedAt() != null) {
            out.put("callReceivedAt", time(t.callReceivedAt()));
        }
        if (t.completedAt() != null) {
            out.put("completedAt", time(t.completedAt()));
        }
        if (status == CallTransfer.Status.COMPLETED && t.outputContextJson() != null) {
            out.set("outputContext", read(t.outputContextJson()));
        }
        return out;
    }

    /**
     * A bot's outputContext, checked field by field; the normalized JSON object on success.
     *
     * @throws ProblemException 422 naming every bad field (unknown ones included)
     */
    static String outputContext(JsonNode node) {
        List<FieldError> errors = new ArrayList<>();
        if (node == null || !node.isObject()) {
            throw ProblemException.invalid("the outputContext must be a JSON object",
                    List.of(new FieldError("body", "must be an object with " + String.join(", ", OUTPUT_FIELDS))));
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!OUTPUT_FIELDS.contains(name)) {
                errors.add(new FieldError(name, "unknown field; an outputContext takes " + String.join(", ", OUTPUT_FIELDS)));
            }
        }
        JsonNode type = node.get("transferType");
        if (type == null || !type.isTextual() || !TRANSFER_TYPES.contains(type.textValue())) {
            errors.add(new FieldError("transferType", "is required: AGENT or SYSTEM"
                    + (type == null ? "" : ", not " + type)));
        }
        JsonNode task = node.get("currentTaskName");
        if (task != null && !task.isNull() && (!task.isTextual() || task.textValue().length() > 256)) {
            errors.add(new FieldError("currentTaskName", "must be a string of at most 256 characters"));
        }
        for (String field : List.of("referenceVariables", "transferVariables")) {
            JsonNode v = node.get(field);
            if (v != null && !v.isNull() && !v.isObject()) {
                errors.add(new FieldError(field, "must be an object"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the outputContext has invalid fields", errors);
        }
        return write(node);
    }

    static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("stored call-transfer JSON is unreadable", e);
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whole seconds in UTC, as the seed's examples write them ("2025-01-15T13:06:00Z"). */
    private static String time(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
