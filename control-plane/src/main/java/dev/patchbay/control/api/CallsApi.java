package dev.patchbay.control.api;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.call.ConsultActions;
import dev.patchbay.control.call.RingingSounds;
import dev.patchbay.control.call.OutboundDialer;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.delivery.TargetUrls;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.recording.RecordingsApi;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClientException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The provider API of seed 001: place a call, read it, act on it. Every request is scoped to the
 * API key's workspace; another workspace's call answers 404 exactly like a call that never existed.
 */
public final class CallsApi {

    private static final List<String> CREATE_FIELDS = List.of("to", "from", "websocket_url", "callback_url", "dialect",
            "sample_rate", "custom_parameters", "record");
    private static final Set<String> DIALECTS = Set.of("twilio", "jambonz", "plivo");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CallStore store;
    private final OutboundDialer dialer;
    private final CallActions actions;
    private final ConsultActions consults;
    private final SsrfGuard guard;
    private final RecordingsApi recordings;

    /** {@code recordings}: the signed download route of recorded calls, which their {@code recording_url} names. */
    public CallsApi(CallStore store, OutboundDialer dialer, CallActions actions, SsrfGuard guard, RecordingsApi recordings) {
        this(store, dialer, actions, new ConsultActions(store, actions, RingingSounds.defaults()), guard, recordings);
    }

    /** The same, with the attended transfers that bots' extension messages also use. */
    public CallsApi(CallStore store, OutboundDialer dialer, CallActions actions, ConsultActions consults, SsrfGuard guard,
                    RecordingsApi recordings) {
        this.store = store;
        this.dialer = dialer;
        this.actions = actions;
        this.consults = consults;
        this.guard = guard;
        this.recordings = recordings;
    }

    public void routing(HttpRules rules) {
        rules.post("/v1/calls", this::create)
                .get("/v1/calls", this::list)
                .get("/v1/calls/{id}", (req, res) -> ApiJson.send(res, Status.OK_200, json(call(req))))
                .get("/v1/calls/{id}/events", this::events)
                .post("/v1/calls/{id}/hangup", this::hangup)
                .post("/v1/calls/{id}/transfer", this::transfer)
                .post("/v1/calls/{id}/consult", this::consult)
                .post("/v1/calls/{id}/consult/complete", this::completeConsult)
                .post("/v1/calls/{id}/consult/cancel", this::cancelConsult)
                .post("/v1/calls/{id}/dtmf", this::dtmf);
        recordings.routing(rules);
    }

    private void create(ServerRequest req, ServerResponse res) {
        String workspace = ApiKeyAuth.caller(req).workspaceId();
        Optional<String> key = req.headers().first(HeaderNames.create("Idempotency-Key"));
        if (key.isPresent() && !IDEMPOTENCY_KEY.matcher(key.get()).matches()) {
            throw ProblemException.invalid("Idempotency-Key must be 1 to 255 visible ASCII characters",
                    List.of(new FieldError("Idempotency-Key", "must be 1 to 255 visible ASCII characters")));
        }
        JsonBody body = ApiJson.read(req, CREATE_FIELDS);
        OutboundDialer.Request request = validate(workspace, body, key.orElse(null));
        refuseForbiddenTargets(request);
        if (key.isPresent()) {
            Optional<CallStore.Idempotent> earlier = store.byIdempotencyKey(workspace, key.get());
            if (earlier.isPresent()) {
                replay(res, earlier.get(), request.requestHash());
                return;
            }
        }
        CallRecord call;
        try {
            call = dialer.place(request);
        } catch (OutboundDialer.Refused e) {
            List<FieldError> errors = e.field() == null ? List.of() : List.of(new FieldError(e.field(), e.getMessage()));
            ProblemException p = ProblemException.of(e.httpStatus(), e.getMessage(), errors);
            throw e.httpStatus() == 503 ? p.withHeader("Retry-After", "2") : p;
        } catch (DbClientException e) {
            if (key.isPresent() && Db.uniqueViolation(e)) {
                // Two requests with one key raced; the other one won. Answer as its replay.
                replay(res, store.byIdempotencyKey(workspace, key.get()).orElseThrow(), request.requestHash());
                return;
            }
            throw e;
        }
        res.header(HeaderNames.LOCATION, "/v1/calls/" + call.id());
        ApiJson.send(res, Status.CREATED_201, json(call));
    }

    private ObjectNode json(CallRecord c) {
        return CallJson.call(c, recordings.url(c));
    }

    /** Stripe's rule: the same key with the same body replays the first answer; a different body is an error. */
    private void replay(ServerResponse res, CallStore.Idempotent earlier, String requestHash) {
        if (!requestHash.equals(earlier.requestHash())) {
            throw ProblemException.of(422, "this Idempotency-Key was used for a different request; use a new key",
                    new FieldError("Idempotency-Key", "was used with a different body"));
        }
        res.header("Idempotent-Replayed", "true");
        ApiJson.send(res, Status.OK_200, json(earlier.call()));
    }

    private static OutboundDialer.Request validate(String workspace, JsonBody body, String key) {
        Optional<String> to = body.string("to");
        Optional<String> from = body.string("from");
        Optional<String> ws = body.string("websocket_url");
        Optional<String> callback = body.string("callback_url");
        Optional<String> dialect = body.string("dialect");
        Optional<Long> rate = body.integer("sample_rate");
        Optional<Map<String, String>> params = body.stringMap("custom_parameters");
        boolean record = body.bool("record").orElse(false);
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        String toValue = to.map(String::strip).orElse("");
        if (!CallActions.E164.matcher(toValue).matches() && !(toValue.startsWith("sip:") && toValue.indexOf('@') > 4)) {
            errors.add(new FieldError("to", "is required: an E.164 number such as +919494865411, or a sip: URI"));
        }
        String fromValue = from.map(String::strip).orElse("");
        if (!CallActions.E164.matcher(fromValue).matches()) {
            errors.add(new FieldError("from", "is required: the caller ID as an E.164 number such as +918035735900"));
        }
        TargetUrls.check(errors, "websocket_url", ws.orElse(null), SsrfGuard.WEBSOCKET_SCHEMES, true);
        TargetUrls.check(errors, "callback_url", callback.orElse(null), SsrfGuard.HTTP_SCHEMES, false);
        String dialectValue = dialect.orElse("twilio");
        if (!DIALECTS.contains(dialectValue)) {
            errors.add(new FieldError("dialect", "must be one of twilio, jambonz, plivo"));
        }
        long rateValue = rate.orElse(8000L);
        if (rateValue != 8000 && rateValue != 16000) {
            errors.add(new FieldError("sample_rate", "must be 8000 or 16000"));
        } else if (rateValue == 16000 && dialectValue.equals("twilio")) {
            errors.add(new FieldError("sample_rate", "the twilio dialect is 8 kHz mu-law only; use jambonz or plivo for 16000"));
        }
        Map<String, String> paramValue = params.orElse(Map.of());
        if (paramValue.size() > 32 || paramValue.entrySet().stream().anyMatch(e -> e.getKey().length() > 128 || e.getValue().length() > 1024)) {
            errors.add(new FieldError("custom_parameters", "at most 32 entries, names up to 128 and values up to 1024 characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the call request has invalid fields", errors);
        }
        String paramsJson = paramValue.isEmpty() ? null : write(paramValue);
        CallRecord.Stream stream = new CallRecord.Stream(ws.orElseThrow().strip(), dialectValue, (int) rateValue, paramsJson);
        String hash = sha256(String.join("\n", toValue, fromValue, stream.url(), callback.orElse(""), dialectValue,
                Long.toString(rateValue), paramsJson == null ? "" : paramsJson) + (record ? "\nrecord" : "")); // unchanged hashes for keys stored before record
        return new OutboundDialer.Request(workspace, toValue, fromValue, stream, callback.map(String::strip).orElse(null),
                key, hash, new OutboundDialer.Options(false, null, 0, record));
    }

    /** The SSRF rules, as their own 422 once the request is well formed. */
    private void refuseForbiddenTargets(OutboundDialer.Request r) {
        List<FieldError> errors = new ArrayList<>();
        TargetUrls.guard(guard, errors, "websocket_url", r.stream().url(), SsrfGuard.WEBSOCKET_SCHEMES);
        TargetUrls.guard(guard, errors, "callback_url", r.callbackUrl(), SsrfGuard.HTTP_SCHEMES);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the request names a target Patchbay may not connect to", errors);
        }
    }

    private CallRecord call(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        return store.find(ApiKeyAuth.caller(req).workspaceId(), id)
                .orElseThrow(() -> ProblemException.notFound("there is no call " + id + " in this workspace", "id"));
    }

    /** Newest first, a page at a time: {@code next_cursor} continues where this page ends. */
    private void list(ServerRequest req, ServerResponse res) {
        CallListQuery q = CallListQuery.parse(ApiKeyAuth.caller(req).workspaceId(), req.query());
        CallStore.Listed page = store.list(q.filter());
        ObjectNode out = ApiJson.object();
        ArrayNode calls = out.putArray("calls");
        page.calls().forEach(c -> calls.add(json(c)));
        CallRecord last = page.calls().isEmpty() ? null : page.calls().getLast();
        out.put("has_more", page.more());
        out.put("next_cursor", page.more() ? CallListQuery.cursor(new CallStore.Cursor(last.createdAt(), last.id())) : null);
        ApiJson.send(res, Status.OK_200, out);
    }

    private void events(ServerRequest req, ServerResponse res) {
        CallRecord call = call(req);
        ObjectNode out = ApiJson.object().put("call_id", call.id());
        ArrayNode list = out.putArray("events");
        store.events(call.id()).forEach(e -> list.add(CallJson.event(e)));
        ApiJson.send(res, Status.OK_200, out);
    }

    private void hangup(ServerRequest req, ServerResponse res) {
        CallRecord call = call(req);
        act(() -> actions.hangup(call, "hung up through the API"));
        ApiJson.send(res, Status.ACCEPTED_202, ApiJson.object().put("call_id", call.id()).put("action", "hangup"));
    }

    private void transfer(ServerRequest req, ServerResponse res) {
        CallRecord call = call(req);
        String to = onlyField(req, "to");
        String target = act(() -> actions.transfer(call, to));
        ApiJson.send(res, Status.ACCEPTED_202, ApiJson.object().put("call_id", call.id()).put("action", "transfer")
                .put("refer_to", target));
    }

    /** Attended transfer, step 1: the consult leg is recorded, then INVITEd; its answer arrives as an event. */
    private void consult(ServerRequest req, ServerResponse res) {
        CallRecord call = call(req);
        JsonBody body = ApiJson.read(req, List.of("to", "hold"));
        Optional<String> to = body.string("to");
        Optional<String> hold = body.string("hold");
        body.requireShape();
        CallRecord leg = act(() -> consults.consult(call, to.orElse(null), hold.orElse(null)));
        res.header(HeaderNames.LOCATION, "/v1/calls/" + leg.id());
        ApiJson.send(res, Status.ACCEPTED_202, ApiJson.object().put("call_id", call.id()).put("action", "consult")
                .put("consult_call_id", leg.id()).put("to", leg.to()));
    }

    private void completeConsult(ServerRequest req, ServerResponse res) {
        CallRecord call = call(req);
        String method = onlyField(req, "method");
        ConsultActions.Completion done = act(() -> consults.complete(call, method));
        ObjectNode out = ApiJson.object().put("call_id", call.id()).put("action", "complete_consult")
                .put("method", done.method());
        if (done.referStatus() != 0) {
            out.put("refer_status", done.referStatus());
        }
        ApiJson.send(res, Status.OK_200, out);
    }

    private void cancelConsult(ServerRequest req, ServerResponse res) {
        CallRecord call = call(req);
        String leg = act(() -> consults.cancel(call));
        ApiJson.send(res, Status.OK_200, ApiJson.object().put("call_id", call.id()).put("action", "cancel_consult")
                .put("consult_call_id", leg));
    }

    private void dtmf(ServerRequest req, ServerResponse res) {
        CallRecord call = call(req);
        JsonBody body = ApiJson.read(req, List.of("digits"));
        Optional<String> digits = body.string("digits");
        body.requireShape();
        act(() -> actions.dtmf(call, digits.orElse(null)));
        ApiJson.send(res, Status.ACCEPTED_202, ApiJson.object().put("call_id", call.id()).put("action", "dtmf")
                .put("digits", digits.orElse("")));
    }

    /** The body's one optional string field (null when absent); any other field is a 400. */
    private static String onlyField(ServerRequest req, String name) {
        JsonBody body = ApiJson.read(req, List.of(name));
        Optional<String> value = body.string(name);
        body.requireShape();
        return value.orElse(null);
    }

    private static void act(Runnable action) {
        act(() -> {
            action.run();
            return null;
        });
    }

    private static <T> T act(Supplier<T> action) {
        try {
            return action.get();
        } catch (CallActions.Refused e) {
            List<FieldError> errors = e.field() == null ? List.of() : List.of(new FieldError(e.field(), e.getMessage()));
            ProblemException p = ProblemException.of(e.httpStatus(), e.getMessage(), errors);
            throw e.httpStatus() == 503 ? p.withHeader("Retry-After", "2") : p;
        }
    }

    private static String write(Map<String, String> params) {
        try {
            return JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String s) {
        return HexFormat.of().formatHex(ApiKeyAuth.sha256(s));
    }
}
