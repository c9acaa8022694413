package dev.patchbay.agents.calls;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.helidon.common.parameters.Parameters;

/** The history filters of seed 003 §4, validated: every bad one is named in one 422. */
record HistoryQuery(Instant start, Instant end, List<String> statuses, int limit, int offset) {

    static HistoryQuery of(Parameters q) {
        List<FieldError> errors = new ArrayList<>();
        int limit = number(q, "limit", 50, 1, 200, errors);
        int offset = number(q, "offset", 0, 0, Integer.MAX_VALUE, errors);
        Instant start = date(q, "start_date", false, errors);
        Instant end = date(q, "end_date", true, errors);
        // The seed's four filter values; "failed" covers every way a call can fail to connect.
        List<String> statuses = switch (q.first("status").orElse("all")) {
            case "all" -> List.of();
            case "completed" -> List.of("completed");
            case "failed" -> List.of("failed", "busy", "no-answer", "canceled");
            case "in-progress" -> List.of("queued", "ringing", "in-progress");
            default -> {
                errors.add(new FieldError("status", "must be all, completed, failed or in-progress"));
                yield List.of();
            }
        };
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the history query has invalid parameters", errors);
        }
        return new HistoryQuery(start, end, statuses, limit, offset);
    }

    private static int number(Parameters q, String name, int fallback, int min, int max, List<FieldError> errors) {
        String v = q.first(name).orElse(null);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError(name, "must be a whole number from " + min + (max == Integer.MAX_VALUE ? " up" : " to " + max)));
        return fallback;
    }

    /** ISO 8601: an instant, or a date, which for end_date means the whole day. */
    private static Instant date(Parameters q, String name, boolean endOfDay, List<FieldError> errors) {
        String v = q.first(name).orElse(null);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            try {
                LocalDate d = LocalDate.parse(v);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay().toInstant(ZoneOffset.UTC).minusNanos(endOfDay ? 1 : 0);
            } catch (DateTimeParseException e2) {
                errors.add(new FieldError(name, "must be ISO 8601, e.g. 2026-02-05 or 2026-02-05T12:00:00Z"));
                return null;
            }
        }
    }
}
