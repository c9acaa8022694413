package dev.patchbay.admin.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;


/**
 * A valid {@code POST /v1/workspaces/{id}/bots} body. Which fields a bot needs depends on its
 * kind, so they are judged together and every fault is reported at once.
 */
public record NewBot(String name, BotKind kind, String url, String dialect) {

    static final List<String> FIELDS = List.of("name", "kind", "url", "dialect");
    /** WebSocket dialects the bridge speaks; the first is the default. */
    static final List<String> DIALECTS = List.of("twilio", "jambonz", "plivo");

    public static NewBot parse(JsonBody body) {
        Optional<String> name = body.string("name");
        Optional<String> kind = body.string("kind");
        Optional<String> url = body.string("url").filter(u -> !u.isBlank());
        Optional<String> dialect = body.string("dialect");
        body.requireShape();

        List<FieldError> errors = new ArrayList<>();
        String n = Values.name(name, errors);
        BotKind k = kind(kind, errors);
        String u = null;
        String d = null;
        if (k != null) {
            u = switch (k) {
                // An echo bot runs inside the control-plane: a URL would mean nothing, so it is dropped.
                case ECHO -> null;
                case WSS -> requiredUrl(url, List.of("ws", "wss"), k, errors);
                case WEBHOOK -> requiredUrl(url, List.of("http", "https"), k, errors);
                // Optional: a gRPC bot may dial in to Patchbay instead of being dialled.
                case GRPC -> url.map(v -> Values.url(v, List.of("grpc", "grpcs", "http", "https"), errors)).orElse(null);
            };
            d = dialect(k, dialect, errors);
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the bot is not valid", errors);
        }
        return new NewBot(n, k, u, d);
    }

    private static BotKind kind(Optional<String> kind, List<FieldError> errors) {
        if (kind.isEmpty()) {
            errors.add(new FieldError("kind", "is required; one of " + BotKind.NAMES));
            return null;
        }
        Optional<BotKind> k = BotKind.fromWire(kind.get());
        if (k.isEmpty()) {
            errors.add(new FieldError("kind", "must be one of " + BotKind.NAMES));
            return null;
        }
        return k.get();
    }

    private static String requiredUrl(Optional<String> url, List<String> schemes, BotKind kind, List<FieldError> errors) {
        if (url.isEmpty()) {
            errors.add(new FieldError("url", "is required for a " + kind.wire() + " bot"));
            return null;
        }
        return Values.url(url.get(), schemes, errors);
    }

    private static String dialect(BotKind kind, Optional<String> dialect, List<FieldError> errors) {
        if (kind != BotKind.WSS) {
            if (dialect.isPresent()) {
                errors.add(new FieldError("dialect", "applies only to wss bots; remove it for a " + kind.wire() + " bot"));
            }
            return null;
        }
        String d = dialect.orElse(DIALECTS.getFirst());
        if (!DIALECTS.contains(d)) {
            errors.add(new FieldError("dialect", "must be one of " + String.join(", ", DIALECTS)));
            return null;
        }
        return d;
    }
}
