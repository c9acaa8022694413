package dev.patchbay.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ends a request with an RFC 9457 problem. Handlers and filters throw it; the routing's error
 * handler writes it, so a handler never has to remember to stop after sending an error.
 */
public final class ProblemException extends RuntimeException {

    private final int status;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    private ProblemException(int status, String detail, List<FieldError> errors, Map<String, String> headers) {
        // No stack trace: this is an expected outcome, never logged as a failure.
        super(detail, null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public static ProblemException of(int status, String detail, List<FieldError> errors) {
        return new ProblemException(status, detail, errors, Map.of());
    }

    public static ProblemException of(int status, String detail, FieldError... errors) {
        return of(status, detail, List.of(errors));
    }

    /** 400: the body is not the JSON shape the endpoint takes. */
    public static ProblemException badRequest(String detail, List<FieldError> errors) {
        return of(400, detail, errors);
    }

    /** 422: the body is well formed but a value is not acceptable. */
    public static ProblemException invalid(String detail, List<FieldError> errors) {
        return of(422, detail, errors);
    }

    public static ProblemException notFound(String detail, String field) {
        return of(404, detail, new FieldError(field, detail));
    }

    public static ProblemException conflict(String detail, String field) {
        return of(409, detail, new FieldError(field, detail));
    }

    public ProblemException withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new ProblemException(status, getMessage(), errors, all);
    }

    public int status() {
        return status;
    }

    public String detail() {
        return getMessage();
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
