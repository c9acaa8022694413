package dev.patchbay.rest;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Answers the errors Helidon handles before routing (a body over the size limit, an unparsable
 * request line or header) as problem+json too, so clients meet one error format.
 */
final class ProblemDirectHandler implements DirectHandler {

    private final long maxBody;
    private final String service;

    ProblemDirectHandler(long maxBody, String service) {
        this.maxBody = maxBody;
        this.service = service;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        ProblemException problem;
        // Helidon reports an oversized body as a BAD_REQUEST event with status 413, so the status decides.
        if (status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()) {
            problem = ProblemException.of(status.code(), "the request body is larger than " + maxBody + " bytes",
                    new FieldError("body", "must be at most " + maxBody + " bytes"));
        } else if (status.code() >= 500) {
            // Server-side failures: their messages may describe internals, and the log has them.
            problem = ProblemException.of(status.code(), "the " + service + " failed to handle this request;"
                    + " the server log has the cause");
        } else {
            problem = ProblemException.of(status.code(), message == null || message.isBlank() ? status.reasonPhrase() : message);
        }
        headers.set(HeaderNames.CONTENT_TYPE, ApiJson.PROBLEM_JSON);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(ApiJson.problem(request.path(), problem))
                .build();
    }
}
