package dev.patchbay.admin.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;


/**
 * A valid {@code POST /v1/workspaces/{id}/bots} body. Which fields a bot needs depends on its
 * kind, so they are judged together and every fault is reported at once.
 */
public record NewBot(String name, BotKind kind, String url, String dialect, int sampleRate,
                     Map<String, String> customParameters, BotTimeouts timeouts, EarlyMediaChoice earlyMedia) {

    static final List<String> FIELDS = List.of("name", "kind", "url", "dialect", "sample_rate", "custom_parameters",
            BotTimeouts.CONNECT, BotTimeouts.ANSWER, EarlyMediaChoice.MODE, EarlyMediaChoice.CLIP);
    /** What a PATCH may change: a bot's kind is what it is; delete and re-create it to change that. */
    static final List<String> PATCH_FIELDS = List.of("name", "url", "dialect", "sample_rate", "custom_parameters",
            BotTimeouts.CONNECT, BotTimeouts.ANSWER, EarlyMediaChoice.MODE, EarlyMediaChoice.CLIP);
    static final int MAX_PARAMETERS = 32;
    static final int MAX_PARAMETER_NAME = 128;
    static final int MAX_PARAMETER_VALUE = 1024;
    /** Prefixes of the parameters Patchbay itself fills from the call, so a configured one never shadows them. */
    static final List<String> RESERVED_PREFIXES = List.of("sip.", "ameyo.");
    /** WebSocket dialects the bridge speaks; the first is the default. */
    static final List<String> DIALECTS = List.of("twilio", "jambonz", "plivo");

    public static NewBot parse(JsonBody body) {
        Optional<String> name = body.string("name");
        Optional<String> kind = body.string("kind");
        Optional<String> url = body.string("url").filter(u -> !u.isBlank());
        Optional<String> dialect = body.string("dialect");
        Optional<Long> sampleRate = body.integer("sample_rate");
        Optional<Map<String, String>> params = body.stringMap("custom_parameters");
        Optional<Long> connectTimeout = body.integer(BotTimeouts.CONNECT);
        Optional<Long> answerTimeout = body.integer(BotTimeouts.ANSWER);
        Optional<String> earlyMedia = body.string(EarlyMediaChoice.MODE);
        Optional<String> earlyClip = body.string(EarlyMediaChoice.CLIP);
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
        int rate = sampleRate(k, d, sampleRate, errors);
        Map<String, String> p = parameters(k, params.orElse(Map.of()), errors);
        BotTimeouts timeouts = BotTimeouts.parse(k, connectTimeout, answerTimeout, errors);
        EarlyMediaChoice early = EarlyMediaChoice.parse(k, earlyMedia, earlyClip, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the bot is not valid", errors);
        }
        return new NewBot(n, k, u, d, rate, p, timeouts, early);
    }

    /** The provider API's rule: 16 kHz L16 only where the dialect carries it, so never with twilio. */
    private static int sampleRate(BotKind kind, String dialect, Optional<Long> rate, List<FieldError> errors) {
        long r = rate.orElse(8000L);
        if (r != 8000 && r != 16000) {
            errors.add(new FieldError("sample_rate", "must be 8000 or 16000"));
        } else if (r == 16000 && kind != null && kind != BotKind.WSS) {
            errors.add(new FieldError("sample_rate", "applies only to wss bots; a " + kind.wire() + " bot streams at 8000"));
        } else if (r == 16000 && "twilio".equals(dialect)) {
            errors.add(new FieldError("sample_rate", "16000 needs the jambonz or plivo dialect; twilio streams 8 kHz mu-law"));
        }
        return (int) r;
    }

    private static Map<String, String> parameters(BotKind kind, Map<String, String> given,
                                                            List<FieldError> errors) {
        if (given.isEmpty()) {
            return given;
        }
        if (kind != null && kind != BotKind.WSS && kind != BotKind.WEBHOOK) {
            errors.add(new FieldError("custom_parameters", "apply only to wss and webhook bots; a " + kind.wire()
                    + " bot gets no start message"));
            return Map.of();
        }
        if (given.size() > MAX_PARAMETERS) {
            errors.add(new FieldError("custom_parameters", "must hold at most " + MAX_PARAMETERS + " entries"));
            return Map.of();
        }
        given.forEach((name, value) -> {
            String field = "custom_parameters." + name;
            if (name.isEmpty() || name.length() > MAX_PARAMETER_NAME) {
                errors.add(new FieldError(field, "names must be 1 to " + MAX_PARAMETER_NAME + " characters"));
            } else if (RESERVED_PREFIXES.stream().anyMatch(name::startsWith)) {
                errors.add(new FieldError(field, "names starting with " + RESERVED_PREFIXES
                        + " are filled from the call itself; choose another name"));
            } else if (value.length() > MAX_PARAMETER_VALUE) {
                errors.add(new FieldError(field, "values must be at most " + MAX_PARAMETER_VALUE + " characters"));
            }
        });
        return given;
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
