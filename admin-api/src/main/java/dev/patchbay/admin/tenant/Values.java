package dev.patchbay.admin.tenant;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.patchbay.rest.FieldError;


/** Checks shared by the request types; each adds a {@link FieldError} and returns null on failure. */
final class Values {

    static final int MAX_NAME = 200;   // workspaces.name, bots.name
    static final int MAX_URL = 2048;   // bots.url

    private Values() {
    }

    static String name(Optional<String> value, List<FieldError> errors) {
        if (value.isEmpty()) {
            errors.add(new FieldError("name", "is required"));
            return null;
        }
        String name = value.get().strip();
        if (name.isEmpty()) {
            errors.add(new FieldError("name", "must not be blank"));
            return null;
        }
        if (name.length() > MAX_NAME) {
            errors.add(new FieldError("name", "must be at most " + MAX_NAME + " characters"));
            return null;
        }
        return name;
    }

    /** An absolute URL with one of {@code schemes} and a host. */
    static String url(String raw, List<String> schemes, List<FieldError> errors) {
        String expected = "must be a " + schemes.stream().map(s -> s + "://").collect(Collectors.joining(" or "))
                + " URL with a host";
        String url = raw.strip();
        if (url.length() > MAX_URL) {
            errors.add(new FieldError("url", "must be at most " + MAX_URL + " characters"));
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            errors.add(new FieldError("url", expected + "; it is not a URL: " + e.getReason()));
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!schemes.contains(scheme) || uri.getHost() == null) {
            errors.add(new FieldError("url", expected));
            return null;
        }
        return url;
    }

    /** A string field that is required and not blank. */
    static String required(String field, Optional<String> value, List<FieldError> errors) {
        if (value.isEmpty() || value.get().isBlank()) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        return value.get().strip();
    }
}
