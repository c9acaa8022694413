package dev.patchbay.admin.subscription;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;

/**
 * A valid webhook subscription body, for POST (url and events required) or PATCH (every field
 * optional: absent keeps the stored value). {@code secret} is still plain here; the routes seal it.
 *
 * @param secret null when the body has none (POST generates one, PATCH keeps the stored one)
 */
record WebhookFields(Optional<String> url, Optional<List<String>> events, String secret, Optional<Boolean> enabled) {

    static final List<String> FIELDS = List.of("url", "events", "secret", "enabled");
    /** The call events the control-plane sends, in the order a subscription lists them. */
    static final List<String> EVENTS = List.of("call.ringing", "call.answered", "call.completed", "call.failed");
    static final int MIN_SECRET = 16;
    static final int MAX_SECRET = 256;
    private static final int MAX_URL = 2048;

    @Override
    public String toString() {
        return "WebhookFields[url=" + url + ", events=" + events + ", secret=" + (secret == null ? "<none>" : "<redacted>")
                + ", enabled=" + enabled + "]";
    }

    static WebhookFields parse(JsonBody body, boolean create) {
        Optional<String> url = body.string("url");
        Optional<List<String>> events = body.stringList("events");
        Optional<String> secret = body.string("secret");
        Optional<Boolean> enabled = body.bool("enabled");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        Optional<String> u = url.map(String::strip);
        if (u.isEmpty() && create) {
            errors.add(new FieldError("url", "is required: the http:// or https:// URL the events are POSTed to"));
        }
        u.ifPresent(v -> urlProblem(v).ifPresent(p -> errors.add(new FieldError("url", p))));
        Optional<List<String>> e = events.map(WebhookFields::ordered);
        if (events.isEmpty() && create) {
            errors.add(new FieldError("events", "is required: one or more of " + EVENTS));
        }
        events.ifPresent(list -> {
            if (list.isEmpty()) {
                errors.add(new FieldError("events", "must name at least one of " + EVENTS));
            }
            for (int i = 0; i < list.size(); i++) {
                if (!EVENTS.contains(list.get(i))) {
                    errors.add(new FieldError("events[" + i + "]", "is not one of " + EVENTS));
                }
            }
        });
        String s = secret.orElse(null);
        if (s != null && (s.length() < MIN_SECRET || s.length() > MAX_SECRET || s.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
            errors.add(new FieldError("secret", "must be " + MIN_SECRET + " to " + MAX_SECRET
                    + " printable ASCII characters without spaces; leave it out on create to have one generated"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the webhook subscription is not valid", errors);
        }
        return new WebhookFields(u, e, s, enabled);
    }

    /** Known events in {@link #EVENTS} order, each once, so the same set always reads (and hashes) the same. */
    private static List<String> ordered(List<String> events) {
        return EVENTS.stream().filter(events::contains).toList();
    }

    private static Optional<String> urlProblem(String u) {
        String expected = "must be an http:// or https:// URL with a host, at most " + MAX_URL + " characters";
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (u.length() > MAX_URL || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                return Optional.of(expected);
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of(expected + "; it is not a URL: " + e.getReason());
        }
    }
}
