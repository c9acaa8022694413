package dev.patchbay.agents.calls;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.account.SessionsApi;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.wallet.Money;
import dev.patchbay.agents.wallet.Wallet;
import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.call.ConsultActions;
import dev.patchbay.control.call.RingingSounds;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.recording.RecordingLinks;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Seed 003 §3-4: initiate, read, act on, end and list an agent's calls. */
public final class AgentCallsApi {

    private static final Duration END_WAIT = Duration.ofSeconds(5);

    private final SessionsApi sessions;
    private final AgentDialer dialer;
    private final AgentCallStore agentCalls;
    private final CallStore store;
    private final CallActions actions;
    private final Wallet wallet;
    private final Quality quality;
    private final Billing billing;
    private final RecordingLinks recordings;
    private final ConsultActions consults;

    public AgentCallsApi(SessionsApi sessions, AgentDialer dialer, AgentCallStore agentCalls, CallStore store,
                         CallActions actions, Wallet wallet, Quality quality, Billing billing, RecordingLinks recordings,
                         RingingSounds sounds) {
        this.recordings = recordings;
        this.sessions = sessions;
        this.dialer = dialer;
        this.agentCalls = agentCalls;
        this.store = store;
        this.actions = actions;
        this.wallet = wallet;
        this.quality = quality;
        this.billing = billing;
        this.consults = new ConsultActions(store, actions, sounds);
    }

    public void routing(HttpRules rules) {
        // history before {call_id}, which would otherwise take "history" as an id.
        rules.post(AgentAuth.PREFIX + "/calls/initiate", this::initiate)
                .get(AgentAuth.PREFIX + "/calls/history", this::history)
                .get(AgentAuth.PREFIX + "/calls/{id}", this::get)
                .post(AgentAuth.PREFIX + "/calls/{id}/actions", this::act)
                .delete(AgentAuth.PREFIX + "/calls/{id}", this::end);
    }

    private void initiate(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, CallRequest.FIELDS);
        CallRequest r = CallRequest.read(body);
        body.requireShape();
        AgentSession s = sessions.open(req, r.sessionId());
        AgentDialer.Placed placed = dialer.place(s, r, null, store.now());
        CallRecord call = placed.call();
        ObjectNode out = ApiJson.object().put("call_id", call.id()).put("status", "initiated")
                .put("to_number", call.to()).put("from_number", call.from());
        out.put("estimated_rate", Money.value(placed.agentCall().rateMicros())).put("currency", s.currency())
                .put("max_duration", placed.agentCall().maxDuration()).put("privacy_mode", placed.agentCall().privacyMode());
        // The agent's way into the audio: the call's attach token and the media node holding it (gRPC Audio stream).
        out.put("webrtc_token", call.attachToken()).put("connection_url", "grpc://" + call.mediaNode() + "/calls/" + call.id())
                .put("created_at", call.createdAt().toString());
        res.header("Location", AgentAuth.PREFIX + "/calls/" + call.id());
        ApiJson.send(res, Status.CREATED_201, out);
    }

    /** The call and the agent's record of it, if the caller's session scope reaches it; else 404/403. */
    private Owned owned(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        AgentCall a = agentCalls.find(id).orElseThrow(() -> ProblemException.notFound("there is no call " + id
                + " placed through the agents' API", "call_id"));
        AgentSession s = sessions.session(req, a.sessionId());
        CallRecord call = store.find(s.workspaceId(), id).orElseThrow(() -> ProblemException.notFound(
                "there is no call " + id, "call_id"));
        return new Owned(s, a, call);
    }

    private record Owned(AgentSession session, AgentCall agentCall, CallRecord call) { }

    private void get(ServerRequest req, ServerResponse res) {
        Owned o = owned(req);
        ObjectNode out = summary(o.call(), o.agentCall(), o.session());
        out.set("quality_metrics", quality.metrics(o.call(), o.agentCall()));
        ApiJson.send(res, Status.OK_200, out);
    }

    private void act(ServerRequest req, ServerResponse res) {
        Owned o = owned(req);
        JsonBody body = ApiJson.read(req, List.of("action", "parameters"));
        Optional<String> action = body.string("action");
        Optional<JsonBody> params = body.nested("parameters", List.of("digits", "transfer_to", "method", "hold"));
        Optional<String> digits = params.flatMap(p -> p.string("digits"));
        Optional<String> transferTo = params.flatMap(p -> p.string("transfer_to"));
        Optional<String> method = params.flatMap(p -> p.string("method"));
        Optional<String> hold = params.flatMap(p -> p.string("hold"));
        body.requireShape();
        String name = action.orElse("");
        ObjectNode out = ApiJson.object().put("call_id", o.call().id()).put("action", name);
        try {
            switch (name) {
                case "dtmf" -> {
                    actions.dtmf(o.call(), digits.orElse(null));
                    out.put("digits", digits.get());
                }
                case "hold" -> actions.hold(o.call(), true);
                case "unhold" -> actions.hold(o.call(), false);
                case "transfer" -> out.put("refer_to", actions.transfer(o.call(), transferTo.orElse(null)));
                case "hangup" -> actions.hangup(o.call(), "hung up by agent " + o.agentCall().agentId());
                case "consult" -> {
                    CallRecord leg = dialer.consult(o.session(), o.agentCall(), o.call(), transferTo.orElse(null),
                            hold.orElse(null), consults, store.now());
                    out.put("consult_call_id", leg.id()).put("transfer_to", leg.to());
                }
                case "complete_consult" -> {
                    ConsultActions.Completion done = consults.complete(o.call(), method.orElse(null));
                    out.put("method", done.method());
                    if (done.referStatus() != 0) {
                        out.put("refer_status", done.referStatus());
                    }
                }
                case "cancel_consult" -> out.put("consult_call_id", consults.cancel(o.call()));
                default -> throw ProblemException.invalid("unknown action", List.of(new FieldError("action",
                        "must be dtmf, hold, unhold, transfer, consult, complete_consult, cancel_consult or hangup")));
            }
        } catch (CallActions.Refused e) {
            String field = e.field() == null ? null : switch (e.field()) {
                case "digits" -> "parameters.digits";
                case "to" -> "parameters.transfer_to";
                case "method" -> "parameters.method";
                case "hold" -> "parameters.hold";
                default -> e.field();
            };
            ProblemException p = ProblemException.of(e.httpStatus(), e.getMessage(),
                    field == null ? List.of() : List.of(new FieldError(field, e.getMessage())));
            throw e.httpStatus() == 503 ? p.withHeader("Retry-After", "2") : p;
        }
        out.put("status", "executed").put("timestamp", store.now().toString());
        ApiJson.send(res, Status.OK_200, out);
    }

    /** Hangs up a live call and answers with its bill, waiting briefly for the media-plane to confirm the end. */
    private void end(ServerRequest req, ServerResponse res) {
        Owned o = owned(req);
        CallRecord call = o.call();
        if (!call.status().terminal()) {
            try {
                actions.hangup(call, "ended by agent " + o.agentCall().agentId() + " (DELETE)");
            } catch (CallActions.Refused e) {
                if (e.httpStatus() != 409) {
                    throw ProblemException.of(e.httpStatus(), e.getMessage());
                }
            }
        }
        // The bill is written just after the call's end is recorded; answer with both.
        Instant deadline = Instant.now().plus(END_WAIT);
        while (!(call.status().terminal() && agentBilled(call.id())) && Instant.now().isBefore(deadline)) {
            sleep();
            call = store.find(call.id()).orElse(call);
        }
        AgentCall a = agentCalls.find(call.id()).orElse(o.agentCall());
        ObjectNode out = ApiJson.object().put("call_id", call.id()).put("status", call.status().wire())
                .put("duration", call.durationSeconds());
        out.set("cost", cost(call, a, o.session()));
        long balance = wallet.ledger().balance(o.session().id());
        out.putObject("remaining_balance").put("minutes", wallet.minutes(balance, o.session().currency()))
                .put("value", Money.value(balance)).put("currency", o.session().currency());
        out.put("ended_at", call.endedAt() == null ? null : call.endedAt().toString());
        ApiJson.send(res, call.status().terminal() ? Status.OK_200 : Status.ACCEPTED_202, out);
    }

    private boolean agentBilled(String callId) {
        return agentCalls.find(callId).map(a -> a.billedMinutes() != null).orElse(true);
    }

    private void history(ServerRequest req, ServerResponse res) {
        AgentSession s = sessions.session(req, req.query().first("session_id").orElse(null));
        HistoryQuery q = HistoryQuery.of(req.query());
        AgentCallStore.Page page = agentCalls.history(s.id(), q.start(), q.end(), q.statuses(), q.limit(), q.offset());
        ObjectNode out = ApiJson.object();
        ArrayNode list = out.putArray("calls");
        for (Map<String, Object> row : page.rows()) {
            AgentCall a = AgentCallStore.call(row);
            ObjectNode c = list.addObject().put("call_id", a.callId()).put("to_number", (String) row.get("to_number"))
                    .put("status", (String) row.get("status"));
            Instant answered = dev.patchbay.schema.Db.instant(row.get("answered_at"));
            Instant ended = dev.patchbay.schema.Db.instant(row.get("ended_at"));
            c.put("duration", answered == null ? 0 : Duration.between(answered, ended == null ? store.now() : ended).toSeconds());
            c.put("cost", a.costMicros() == null ? null : Money.value(a.costMicros()));
            c.put("started_at", answered == null ? null : answered.toString());
            c.put("ended_at", ended == null ? null : ended.toString());
            c.put("recording_url", recordings.urlOrNull(s.workspaceId(), a.callId(), (String) row.get("recording_url")));
            c.put("transcript_url", AgentAuth.PREFIX + "/transcripts/" + a.callId());
        }
        out.putObject("pagination").put("total", page.total()).put("limit", q.limit()).put("offset", q.offset())
                .put("has_more", q.offset() + page.rows().size() < page.total());
        ApiJson.send(res, Status.OK_200, out);
    }

    private ObjectNode summary(CallRecord call, AgentCall a, AgentSession s) {
        ObjectNode out = ApiJson.object().put("call_id", call.id()).put("status", call.status().wire())
                .put("to_number", call.to()).put("from_number", call.from())
                .put("started_at", call.answeredAt() == null ? null : call.answeredAt().toString())
                .put("ended_at", call.endedAt() == null ? null : call.endedAt().toString())
                .put("duration", call.durationSeconds()).put("max_duration", a.maxDuration());
        out.set("estimated_cost", cost(call, a, s));
        return out;
    }

    /** The bill once the call is billed; while it runs, what it would cost if it ended now. */
    private ObjectNode cost(CallRecord call, AgentCall a, AgentSession s) {
        long minutes = a.billedMinutes() != null ? a.billedMinutes() : billing.minutes(Billing.billableSeconds(call, store.now()));
        long micros = a.costMicros() != null ? a.costMicros() : minutes * a.rateMicros();
        return ApiJson.object().put("minutes", minutes).put("amount", Money.value(micros)).put("currency", s.currency());
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.of(503, "interrupted while waiting for the call to end; read it with GET");
        }
    }
}
