package dev.patchbay.control.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.patchbay.rest.FieldError;

/**
 * Checks of the URLs a request asks Patchbay to call (bot streams, callbacks, webhooks), shared by
 * every API that takes one: first the shape, then the SSRF rules, each failure named by its field.
 */
public final class TargetUrls {

    private TargetUrls() {
    }

    /** An absolute URL of one of {@code schemes} with a host, at most 2048 characters; absent is fine unless required. */
    public static void check(List<FieldError> errors, String field, String value, Set<String> schemes, boolean required) {
        String names = String.join(" or ", schemes.stream().sorted().toList());
        if (value == null || value.isBlank()) {
            if (required) {
                errors.add(new FieldError(field, "is required: a " + names + " URL"));
            }
            return;
        }
        try {
            URI uri = new URI(value.strip());
            if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    || uri.getHost() == null || value.length() > 2048) {
                errors.add(new FieldError(field, "must be an absolute " + names + " URL with a host, at most 2048 characters"));
            }
        } catch (URISyntaxException e) {
            errors.add(new FieldError(field, "is not a URL: " + e.getReason()));
        }
    }

    /**
     * The SSRF rules for a URL whose shape passed {@link #check}: applied now so the client hears at
     * once, and again before every connection. A host that does not resolve yet is let through.
     */
    public static void guard(SsrfGuard guard, List<FieldError> errors, String field, String value, Set<String> schemes) {
        if (value == null || value.isBlank() || errors.stream().anyMatch(e -> e.field().equals(field))) {
            return;
        }
        if (guard.check(URI.create(value.strip()), schemes) instanceof SsrfGuard.Verdict.Refused no) {
            errors.add(new FieldError(field, no.reason()));
        }
    }
}
