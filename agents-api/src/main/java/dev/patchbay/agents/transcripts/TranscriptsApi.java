package dev.patchbay.agents.transcripts;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.auth.Agent;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.session.SessionStore;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.websocket.WsListener;

/**
 * Seed 003 §7: the bot that recognizes speech posts segments, agents read the transcript, turn
 * transcription on and follow it live over a WebSocket. Live fan-out is per replica; the stored
 * transcript is what GET answers from, on any replica.
 */
public final class TranscriptsApi {

    static final String BASE = AgentAuth.PREFIX + "/transcripts";
    public static final String STREAM_PATH = BASE + "/{call_id}/stream";
    static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}");
    private static final Set<String> SEGMENT_FIELDS = Set.of("speaker", "text", "timestamp", "confidence", "language");

    private final TranscriptStore store;
    private final SessionStore sessions;
    private final TranscriptHub hub;
    private final TranscriptsConfig config;
    private final String publicUrl;
    private final TranscriptListener listener;

    public TranscriptsApi(TranscriptStore store, SessionStore sessions, TranscriptHub hub, TranscriptsConfig config,
                          String publicUrl, TranscriptListener listener) {
        this.store = store;
        this.sessions = sessions;
        this.hub = hub;
        this.config = config;
        this.publicUrl = publicUrl;
        this.listener = listener;
    }

    public void routing(HttpRules rules) {
        rules.post(BASE + "/{call_id}/segments", this::post)
                .get(BASE + "/{call_id}", this::get)
                .post(AgentAuth.PREFIX + "/calls/{call_id}/transcribe", this::transcribe);
    }

    /** A listener for one new stream connection. */
    public WsListener stream() {
        return new TranscriptStream(this, hub);
    }

    /** What POST /calls/{call_id}/transcribe asked for, e.g. its webhook_url; empty if never asked. */
    public Optional<TranscriptStore.Transcription> transcription(String callId) {
        return store.transcription(callId);
    }

    /**
     * True for a WebSocket upgrade to a stream whose token is valid: such a request carries its own
     * credential, so {@link AgentAuth} lets it by (its handshake checks the token again).
     */
    public boolean streamUpgradeAllowed(RoutingRequest req) {
        String path = req.path().path();
        boolean upgrade = req.prologue().method() == Method.GET
                && req.headers().first(HeaderNames.UPGRADE).filter("websocket"::equalsIgnoreCase).isPresent();
        if (!upgrade || !path.startsWith(BASE + "/") || !path.endsWith("/stream")) {
            return false;
        }
        String id = path.substring(BASE.length() + 1, path.length() - "/stream".length());
        return !id.isEmpty() && !id.contains("/") && streamAllowed(id, req.query().first("token").orElse(null));
    }

    boolean streamAllowed(String callId, String token) {
        Optional<TranscriptStore.CallLink> link = store.link(callId);
        if (link.isEmpty() || !StreamTokens.valid(token, callId, link.get().tokenSha256(), store.now())) {
            return false;
        }
        return sessions.find(link.get().sessionId()).map(s -> s.active(store.now())).orElse(false);
    }

    String readyMessage(String callId) {
        ObjectNode m = ApiJson.object().put("type", "ready").put("call_id", callId);
        store.transcription(callId).ifPresent(t -> m.put("transcription_id", t.id()));
        return m.toString();
    }

    /**
     * {@code {"segments":[{speaker,text,timestamp,confidence,language?},…]}}. Any agent of the call's
     * workspace may post (the bot is the workspace's), or the call's own session token.
     */
    private void post(ServerRequest req, ServerResponse res) {
        Agent agent = AgentAuth.agent(req);
        String callId = req.path().pathParameters().get("call_id");
        TranscriptStore.CallLink link = store.link(callId).filter(l -> l.workspaceId().equals(agent.workspaceId()))
                .orElseThrow(() -> noCall(callId));
        if (agent.sessionId() != null && !agent.sessionId().equals(link.sessionId())) {
            throw ProblemException.of(403, "call " + callId + " belongs to another session than this token's");
        }
        JsonBody body = ApiJson.read(req, List.of("segments"));
        JsonNode array = body.node().get("segments");
        body.requireShape();
        List<Segment> segments = segments(array);
        accept(callId, link.sessionId(), segments);
        ApiJson.send(res, Status.CREATED_201, ApiJson.object().put("call_id", callId).put("accepted", segments.size()));
    }

    /**
     * Stores segments of a call and tells whoever follows it (the live stream, the transcription.updated
     * webhook), the same for a bot's POST and for a recogniser's results.
     */
    public void accept(String callId, String sessionId, List<Segment> segments) {
        store.add(callId, segments);
        List<String> messages = new ArrayList<>();
        for (Segment s : segments) {
            ObjectNode m = ApiJson.object().put("type", "segment").put("call_id", callId);
            m.setAll(s.json());
            messages.add(m.toString());
        }
        hub.publish(callId, messages);
        segments.forEach(s -> listener.segmentAdded(callId, sessionId, s));
    }

    private void get(ServerRequest req, ServerResponse res) {
        String callId = req.path().pathParameters().get("call_id");
        Optional<String> format = req.query().first("format").asOptional();
        if (format.isPresent() && !format.get().equals("json")) {
            throw ProblemException.invalid("transcripts are served as JSON only",
                    List.of(new FieldError("format", "must be json")));
        }
        TranscriptStore.CallLink link = owned(req, callId);
        List<Segment> segments = store.segments(callId);
        ObjectNode out = ApiJson.object().put("call_id", callId);
        ArrayNode list = out.putArray("transcript");
        segments.forEach(s -> {
            // The seed's entry has no language; it is the transcript's, below.
            ObjectNode e = s.json();
            e.remove("language");
            list.add(e);
        });
        String language = store.transcription(callId).map(TranscriptStore.Transcription::language)
                .or(() -> Optional.ofNullable(link.language()))
                .or(() -> segments.stream().map(Segment::language).filter(l -> l != null).findFirst())
                .orElse(null);
        out.put("language", language);
        out.put("duration", duration(link));
        out.put("download_url", PublicUrl.http(req, publicUrl) + BASE + "/" + enc(callId) + "?format=json");
        ApiJson.send(res, Status.OK_200, out);
    }

    private void transcribe(ServerRequest req, ServerResponse res) {
        String callId = req.path().pathParameters().get("call_id");
        TranscriptStore.CallLink link = owned(req, callId);
        JsonBody body = ApiJson.read(req, List.of("language", "webhook_url", "interim_results", "speaker_labels"));
        Optional<String> language = body.string("language");
        Optional<String> webhook = body.string("webhook_url");
        boolean interim = body.bool("interim_results").orElse(false);
        boolean labels = body.bool("speaker_labels").orElse(true);
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        if (language.isPresent() && !LANGUAGE.matcher(language.get()).matches()) {
            errors.add(new FieldError("language", "must be a BCP 47 tag such as en-US"));
        }
        if (webhook.isPresent() && !httpUrl(webhook.get())) {
            errors.add(new FieldError("webhook_url", "must be an absolute http or https URL of at most 2048 characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the transcription request has invalid fields", errors);
        }
        if (link.endedAt() != null) {
            throw ProblemException.conflict("call " + callId + " has ended; its transcript is at GET " + BASE + "/"
                    + callId, "call_id");
        }
        TranscriptStore.Transcription t = store.enable(callId, language.orElse(null), webhook.orElse(null), interim, labels);
        String token = StreamTokens.sign(callId, link.tokenSha256(), store.now().plus(config.streamTokenTtl()));
        ObjectNode out = ApiJson.object().put("call_id", callId).put("transcription_enabled", true)
                .put("transcription_id", t.id())
                .put("websocket_url", PublicUrl.ws(req, publicUrl) + BASE + "/" + enc(callId) + "/stream?token=" + enc(token));
        ApiJson.send(res, Status.OK_200, out);
    }

    /** The call if it is the caller's: another workspace's is 404, another agent's or token's 403. */
    private TranscriptStore.CallLink owned(ServerRequest req, String callId) {
        Agent agent = AgentAuth.agent(req);
        TranscriptStore.CallLink link = store.link(callId).filter(l -> l.workspaceId().equals(agent.workspaceId()))
                .orElseThrow(() -> noCall(callId));
        AgentSession s = sessions.find(link.sessionId()).orElseThrow(() -> noCall(callId));
        agent.authorize(s);
        return link;
    }

    private List<Segment> segments(JsonNode array) {
        if (array == null || !array.isArray() || array.isEmpty() || array.size() > config.maxSegments()) {
            throw ProblemException.invalid("segments must be an array of 1 to " + config.maxSegments() + " segments",
                    List.of(new FieldError("segments", "must be an array of 1 to " + config.maxSegments() + " objects")));
        }
        List<FieldError> errors = new ArrayList<>();
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = "segments[" + i + "].";
            JsonNode n = array.get(i);
            if (!n.isObject()) {
                errors.add(new FieldError("segments[" + i + "]", "must be an object"));
                continue;
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!SEGMENT_FIELDS.contains(f)) {
                    errors.add(new FieldError(at + f, "unknown field; a segment takes speaker, text, timestamp,"
                            + " confidence, language"));
                }
            }
            String speaker = text(n, "speaker", 64, at, errors);
            String text = text(n, "text", 8192, at, errors);
            double timestamp = number(n, "timestamp", 0, 86_400, at, errors);
            double confidence = number(n, "confidence", 0, 1, at, errors);
            String language = null;
            JsonNode l = n.get("language");
            if (l != null && !l.isNull()) {
                if (!l.isTextual() || !LANGUAGE.matcher(l.textValue()).matches()) {
                    errors.add(new FieldError(at + "language", "must be a BCP 47 tag such as en-US"));
                } else {
                    language = l.textValue();
                }
            }
            out.add(new Segment(speaker, text, timestamp, confidence, language));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("some segments are invalid; none were stored", errors);
        }
        return out;
    }

    private static String text(JsonNode n, String field, int max, String at, List<FieldError> errors) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.textValue().isBlank() || v.textValue().length() > max) {
            errors.add(new FieldError(at + field, "is required: a non-blank string of at most " + max + " characters"));
            return null;
        }
        return v.textValue();
    }

    private static double number(JsonNode n, String field, double min, double max, String at, List<FieldError> errors) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber() || !(v.doubleValue() >= min && v.doubleValue() <= max)) {
            errors.add(new FieldError(at + field, "is required: a number from " + fmt(min) + " to " + fmt(max)));
            return 0;
        }
        return v.doubleValue();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private long duration(TranscriptStore.CallLink link) {
        if (link.answeredAt() == null) {
            return 0;
        }
        Instant end = link.endedAt() == null ? store.now() : link.endedAt();
        return Math.max(0, Duration.between(link.answeredAt(), end).toSeconds());
    }

    private static boolean httpUrl(String value) {
        try {
            URI u = new URI(value);
            return value.length() <= 2048 && u.getHost() != null
                    && ("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static ProblemException noCall(String callId) {
        return ProblemException.notFound("there is no agent call " + callId + " for this API key", "call_id");
    }
}
