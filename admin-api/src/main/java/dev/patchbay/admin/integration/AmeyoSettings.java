package dev.patchbay.admin.integration;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.admin.tenant.CidrText;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;

/**
 * A valid {@code PUT /v1/workspaces/{id}/integrations/ameyo} body (seed 000). The Authorization value is
 * still plain here; the routes seal it before anything is stored. A PUT without {@code authorization}
 * keeps the stored one, since it is never shown and so cannot be sent back.
 *
 * @param authorization  null to keep the stored value
 * @param propertiesJson the configured notification properties as a JSON object
 */
public record AmeyoSettings(List<String> allowedSources, String notificationUrl, String authorization, String host,
                            String notificationId, String propertiesJson, int byeTimeoutSeconds) {

    static final List<String> FIELDS = List.of("allowed_sources", "notification_url", "authorization", "host",
            "notification_id", "properties", "bye_timeout_seconds");
    static final int MAX_SOURCES = 100;
    static final int MAX_AUTHORIZATION_BYTES = 1024; // sealed, it stays inside authorization_enc's 2048
    static final int MAX_PROPERTIES_CHARS = 8000;    // ameyo_integrations.properties
    static final int MAX_BYE_TIMEOUT_SECONDS = 3600;
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?");
    private static final Pattern NOTIFICATION_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String toString() {
        return "AmeyoSettings[allowedSources=" + allowedSources + ", notificationUrl=" + notificationUrl + ", authorization="
                + (authorization == null ? "<unchanged>" : "<redacted>") + ", host=" + host + "]";
    }

    static AmeyoSettings parse(JsonBody body) {
        Optional<List<String>> sources = body.stringList("allowed_sources");
        Optional<String> url = body.string("notification_url");
        Optional<String> authorization = body.string("authorization");
        Optional<String> host = body.string("host");
        Optional<String> notificationId = body.string("notification_id");
        Optional<Map<String, String>> properties = body.stringMap("properties");
        Optional<Long> byeTimeout = body.integer("bye_timeout_seconds");
        body.requireShape();

        List<FieldError> errors = new ArrayList<>();
        List<String> s = sources(sources, errors);
        String u = url(url, errors);
        String a = authorization.map(String::strip).orElse(null);
        if (a != null && (a.isEmpty() || a.getBytes(StandardCharsets.UTF_8).length > MAX_AUTHORIZATION_BYTES
                || a.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            errors.add(new FieldError("authorization", "must be 1 to " + MAX_AUTHORIZATION_BYTES
                    + " bytes without control characters (the Authorization header value Ameyo issued)"));
        }
        String h = host.map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        if (h != null && !HOST.matcher(h).matches()) {
            errors.add(new FieldError("host", "must be a host name with an optional :port, e.g. tenant.ameyo.app"));
        }
        String n = notificationId.map(String::strip).orElse("95");
        if (!NOTIFICATION_ID.matcher(n).matches()) {
            errors.add(new FieldError("notification_id", "must be 1 to 64 of A-Z a-z 0-9 _ - (Ameyo's is \"95\")"));
        }
        String p = properties(properties.orElse(Map.of()), errors);
        int t = byeTimeout.orElse(60L) < 1 || byeTimeout.orElse(60L) > MAX_BYE_TIMEOUT_SECONDS ? 0
                : byeTimeout.orElse(60L).intValue();
        if (t == 0) {
            errors.add(new FieldError("bye_timeout_seconds", "must be 1 to " + MAX_BYE_TIMEOUT_SECONDS));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the Ameyo integration is not valid", errors);
        }
        return new AmeyoSettings(s, u, a, h, n, p, t);
    }

    private static List<String> sources(Optional<List<String>> value, List<FieldError> errors) {
        if (value.isEmpty() || value.get().isEmpty()) {
            errors.add(new FieldError("allowed_sources", "is required: the CIDRs Ameyo's SIP gateway sends from, "
                    + "e.g. [\"203.0.113.0/28\"]; Ameyo uses no digest, so this is its only authentication"));
            return null;
        }
        if (value.get().size() > MAX_SOURCES) {
            errors.add(new FieldError("allowed_sources", "must hold at most " + MAX_SOURCES + " CIDRs"));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.get().size(); i++) {
            String c = value.get().get(i).strip();
            String problem = CidrText.problem(c);
            if (problem != null) {
                errors.add(new FieldError("allowed_sources[" + i + "]", problem));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    private static String url(Optional<String> value, List<FieldError> errors) {
        String expected = "must be the http:// or https:// URL of sendAgentResponseForCallNotification on Ameyo's REST server";
        if (value.isEmpty() || value.get().isBlank()) {
            errors.add(new FieldError("notification_url", "is required; " + expected));
            return null;
        }
        String u = value.get().strip();
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (u.length() > 2048 || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                errors.add(new FieldError("notification_url", expected));
                return null;
            }
        } catch (URISyntaxException e) {
            errors.add(new FieldError("notification_url", expected + "; it is not a URL: " + e.getReason()));
            return null;
        }
        return u;
    }

    private static String properties(Map<String, String> values, List<FieldError> errors) {
        try {
            String json = JSON.writeValueAsString(values);
            if (json.length() > MAX_PROPERTIES_CHARS) {
                errors.add(new FieldError("properties", "must be at most " + MAX_PROPERTIES_CHARS + " characters as JSON"));
                return null;
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
