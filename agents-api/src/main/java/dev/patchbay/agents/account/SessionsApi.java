package dev.patchbay.agents.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.auth.Agent;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.auth.SessionTokens;
import dev.patchbay.agents.config.AgentsConfig;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.session.SessionStore;
import dev.patchbay.agents.wallet.Money;
import dev.patchbay.agents.wallet.Wallet;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Seed 003 §1: create, read and end calling sessions. */
public final class SessionsApi {

    private final DbClient db;
    private final SessionStore sessions;
    private final Wallet wallet;
    private final AgentsConfig config;

    public SessionsApi(DbClient db, SessionStore sessions, Wallet wallet, AgentsConfig config) {
        this.db = db;
        this.sessions = sessions;
        this.wallet = wallet;
        this.config = config;
    }

    public void routing(HttpRules rules) {
        rules.post(AgentAuth.PREFIX + "/sessions/create", this::create)
                .get(AgentAuth.PREFIX + "/sessions/{id}", this::get)
                .delete(AgentAuth.PREFIX + "/sessions/{id}", this::delete);
    }

    /** The caller's session named in a path or query, checked for workspace, agent and token scope. */
    public AgentSession session(ServerRequest req, String id) {
        if (id == null || id.isBlank()) {
            throw ProblemException.invalid("session_id is required", List.of(new FieldError("session_id", "is required")));
        }
        return AgentAuth.agent(req).authorize(sessions.find(id.strip()).orElse(null));
    }

    /** The same, and open: an ended or expired session can be read but not used. */
    public AgentSession open(ServerRequest req, String id) {
        AgentSession s = session(req, id);
        if (!s.active(sessions.now())) {
            throw ProblemException.of(409, "session " + s.id() + " has ended or expired; create a new one",
                    new FieldError("session_id", "has ended or expired"));
        }
        return s;
    }

    private void create(ServerRequest req, ServerResponse res) {
        Agent agent = AgentAuth.agent(req);
        agent.requireKey("creating a session");
        JsonBody body = ApiJson.read(req, List.of("session_type", "agent_context", "user_consent"));
        Optional<String> type = body.string("session_type");
        Optional<ObjectNode> context = body.object("agent_context");
        Optional<JsonBody> consent = body.nested("user_consent", List.of("calling_authorized", "privacy_mode", "currency",
                "max_spend_limit"));
        Optional<Boolean> authorized = consent.flatMap(c -> c.bool("calling_authorized"));
        Optional<Boolean> privacy = consent.flatMap(c -> c.bool("privacy_mode"));
        Optional<String> currency = consent.flatMap(c -> c.string("currency"));
        Optional<Double> budget = consent.flatMap(c -> c.decimal("max_spend_limit"));
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        String typeValue = type.orElse("");
        if (!typeValue.equals("guest") && !typeValue.equals("authenticated")) {
            errors.add(new FieldError("session_type", "is required: guest or authenticated"));
        }
        if (!authorized.orElse(false)) {
            errors.add(new FieldError("user_consent.calling_authorized", "must be true: the user has to authorize calls"
                    + " made on their behalf"));
        }
        String currencyValue = currency.orElse("USD");
        if (!wallet.rates().supports(currencyValue)) {
            errors.add(new FieldError("user_consent.currency", "must be one of " + config.usdTo().keySet()));
        }
        if (budget.isPresent() && !(budget.get() > 0 && budget.get() <= 1_000_000)) {
            errors.add(new FieldError("user_consent.max_spend_limit", "must be a positive amount up to 1000000"));
        }
        if (context.isPresent() && context.get().toString().length() > 8192) {
            errors.add(new FieldError("agent_context", "must be at most 8192 characters of JSON"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the session request has invalid fields", errors);
        }
        String token = SessionTokens.newToken();
        java.time.Instant now = sessions.now();
        // Guests get privacy by default: the seed is privacy-first and a guest has no caller ID of its own.
        AgentSession s = new AgentSession(SessionTokens.newId("sess"), agent.workspaceId(), agent.agentId(), typeValue,
                privacy.orElse(typeValue.equals("guest")), currencyValue, config.callsPerHour(), config.maxCallDuration(),
                budget.map(Money::micros).orElse(null), context.map(Object::toString).orElse(null), now,
                now.plus(config.sessionTtl()), null);
        Db.inTransaction(db, tx -> {
            sessions.insert(tx, s, SessionTokens.hash(token));
            return null;
        });
        ObjectNode out = ApiJson.object().put("session_id", s.id()).put("session_token", token)
                .put("expires_at", s.expiresAt().toString());
        out.set("wallet_balance", wallet.view(0, s.currency()));
        out.put("privacy_mode", s.privacyMode());
        out.putObject("rate_limits").put("calls_per_hour", s.callsPerHour()).put("max_call_duration", s.maxCallDuration());
        res.header("Location", AgentAuth.PREFIX + "/sessions/" + s.id());
        ApiJson.send(res, Status.CREATED_201, out);
    }

    private void get(ServerRequest req, ServerResponse res) {
        AgentSession s = session(req, req.path().pathParameters().get("id"));
        SessionStore.Usage usage = sessions.usage(s.id());
        ObjectNode out = ApiJson.object().put("session_id", s.id()).put("active", s.active(sessions.now()))
                .put("session_type", s.type()).put("created_at", s.createdAt().toString())
                .put("expires_at", s.expiresAt().toString()).put("privacy_mode", s.privacyMode());
        out.set("wallet_balance", wallet.balance(s.id(), s.currency()));
        out.put("calls_made", usage.calls()).put("total_duration", usage.durationSeconds());
        ApiJson.send(res, Status.OK_200, out);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        AgentSession s = session(req, req.path().pathParameters().get("id"));
        if (!sessions.endAndClear(s.id())) {
            throw ProblemException.of(409, "session " + s.id() + " has ended already", new FieldError("id", "has ended"));
        }
        long balance = wallet.ledger().balance(s.id());
        ObjectNode out = ApiJson.object().put("success", true).put("session_id", s.id())
                .put("message", "Session terminated. All data cleared.");
        // Prepaid minutes are not refunded automatically; an operator can, from the ledger.
        out.putObject("final_balance").put("minutes", wallet.minutes(balance, s.currency()))
                .put("value", Money.value(balance)).put("currency", s.currency()).put("refund_available", false);
        ApiJson.send(res, Status.OK_200, out);
    }
}
