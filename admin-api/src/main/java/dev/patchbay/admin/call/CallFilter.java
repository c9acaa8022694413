package dev.patchbay.admin.call;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.helidon.webserver.http.ServerRequest;

/**
 * The call log's search: {@code ?workspace_id=&status=&number=&from=&to=}. Absent fields match
 * everything; {@code number} matches part of the caller's or the called number.
 *
 * @param workspaceId null for every workspace (the operator only)
 * @param from        calls created at or after this instant
 * @param to          calls created before this instant
 */
public record CallFilter(String workspaceId, String status, String number, Instant from, Instant to) {

    static final Set<String> STATUSES = Set.of("queued", "ringing", "in-progress", "completed", "busy", "failed",
            "no-answer", "canceled", "rejected");
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    /** 400 naming each malformed parameter. */
    public static CallFilter from(ServerRequest req) {
        List<FieldError> errors = new ArrayList<>();
        String status = param(req, "status");
        if (status != null && !STATUSES.contains(status)) {
            errors.add(new FieldError("status", "must be one of " + String.join(", ", STATUSES.stream().sorted().toList())));
        }
        String number = param(req, "number");
        if (number != null && !number.matches("\\+?[0-9]{1,15}")) {
            errors.add(new FieldError("number", "must be digits, optionally after '+': all or part of an E.164 number"));
        }
        Instant from = instant(req, "from", EARLIEST, errors);
        Instant to = instant(req, "to", LATEST, errors);
        if (errors.isEmpty() && !from.isBefore(to)) {
            errors.add(new FieldError("to", "must be after from"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("the call search is not valid", errors);
        }
        return new CallFilter(param(req, "workspace_id"), status, number, from, to);
    }

    public CallFilter inWorkspace(String id) {
        return new CallFilter(id, status, number, from, to);
    }

    private static String param(ServerRequest req, String name) {
        Optional<String> v = req.query().first(name).asOptional().map(String::strip).filter(s -> !s.isEmpty());
        return v.orElse(null);
    }

    private static Instant instant(ServerRequest req, String name, Instant absent, List<FieldError> errors) {
        String v = param(req, name);
        if (v == null) {
            return absent;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be an RFC 3339 instant such as 2026-12-07T09:00:00Z"));
            return absent;
        }
    }
}
