package dev.patchbay.control.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.helidon.common.parameters.Parameters;

/**
 * The query of {@code GET /v1/calls}: {@code status} (comma-separated), {@code created_after} and
 * {@code created_before} (ISO 8601 instants, [after, before)), {@code limit} (1 to 200, default 50) and
 * {@code cursor} (opaque: the {@code next_cursor} of the page before). Every bad parameter is named.
 */
record CallListQuery(CallStore.Filter filter) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    private static final Set<String> NAMES = Set.of("status", "created_after", "created_before", "limit", "cursor");

    static CallListQuery parse(String workspaceId, Parameters query) {
        List<FieldError> errors = new ArrayList<>();
        for (String name : query.names()) {
            if (!NAMES.contains(name)) {
                errors.add(new FieldError(name, "is not a parameter of this list; use status, created_after, created_before,"
                        + " limit or cursor"));
            }
        }
        List<String> statuses = new ArrayList<>();
        for (String s : first(query, "status").map(v -> v.split(",")).orElse(new String[0])) {
            String wire = s.strip();
            if (wire.isEmpty()) {
                continue;
            }
            if (CallStatus.fromWire(wire).isEmpty()) {
                errors.add(new FieldError("status", "'" + wire + "' is no call status; use " + Arrays.stream(CallStatus.values()).map(CallStatus::wire).toList()));
            }
            statuses.add(wire);
        }
        Instant after = instant(query, "created_after", errors).orElse(CallStore.Filter.EARLIEST);
        Instant before = instant(query, "created_before", errors).orElse(CallStore.Filter.LATEST);
        int limit = DEFAULT_LIMIT;
        Optional<String> limitText = first(query, "limit");
        if (limitText.isPresent()) {
            try {
                limit = Integer.parseInt(limitText.get().strip());
            } catch (NumberFormatException e) {
                limit = 0;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                errors.add(new FieldError("limit", "must be a whole number from 1 to " + MAX_LIMIT));
            }
        }
        CallStore.Cursor cursor = first(query, "cursor").map(c -> cursor(c, errors)).orElse(CallStore.Cursor.START);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the call list query has invalid parameters", errors);
        }
        return new CallListQuery(new CallStore.Filter(workspaceId, statuses, after, before, cursor, limit));
    }

    /** The cursor that continues after {@code last}: its creation time and id, base64url. */
    static String cursor(CallStore.Cursor last) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
    }

    private static CallStore.Cursor cursor(String text, List<FieldError> errors) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text.strip()), StandardCharsets.UTF_8);
            int bar = plain.indexOf('|');
            if (bar > 0) {
                return new CallStore.Cursor(Instant.parse(plain.substring(0, bar)), plain.substring(bar + 1));
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            // named below
        }
        errors.add(new FieldError("cursor", "is not a cursor this API gave out; pass next_cursor of the previous page"));
        return CallStore.Cursor.START;
    }

    private static Optional<Instant> instant(Parameters query, String name, List<FieldError> errors) {
        Optional<String> text = first(query, name);
        try {
            return text.map(t -> Instant.parse(t.strip()));
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be an ISO 8601 instant such as 2026-02-05T12:00:00Z"));
            return Optional.empty();
        }
    }

    private static Optional<String> first(Parameters query, String name) {
        return query.contains(name) ? Optional.of(query.get(name)) : Optional.empty();
    }
}
