package dev.patchbay.control.agents.wallet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.agents.auth.AgentAuth;
import dev.patchbay.control.agents.session.AgentSession;
import dev.patchbay.control.agents.session.SessionsApi;
import dev.patchbay.control.api.ApiKeyAuth;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Seed 003 §2: credits and balances. Payment providers plug in by name; only {@code manual}, an
 * operator's grant made with the workspace API key, exists. The seed's card and wallet providers
 * answer 501 rather than pretending a charge went through.
 */
public final class WalletApi {

    private static final Set<String> UNCONFIGURED = Set.of("paypal", "cashfree", "stripe");
    private static final Set<String> PLANS = Set.of("starter", "popular", "best_value");
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final SessionsApi sessions;
    private final Wallet wallet;

    public WalletApi(SessionsApi sessions, Wallet wallet) {
        this.sessions = sessions;
        this.wallet = wallet;
    }

    public void routing(HttpRules rules) {
        rules.post(AgentAuth.PREFIX + "/wallet/add-credits", this::addCredits)
                .get(AgentAuth.PREFIX + "/wallet/balance", this::balance)
                .get(AgentAuth.PREFIX + "/wallet/transactions/{id}", this::transaction);
    }

    private void addCredits(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, List.of("session_id", "payment_method", "plan", "currency", "amount",
                "payment_token", "idempotency_key"));
        Optional<String> sessionId = body.string("session_id");
        Optional<String> method = body.string("payment_method");
        Optional<String> plan = body.string("plan");
        Optional<String> currency = body.string("currency");
        Optional<Double> amount = body.decimal("amount");
        body.string("payment_token");
        Optional<String> key = body.string("idempotency_key");
        body.requireShape();
        AgentSession s = sessions.open(req, sessionId.orElse(null));
        List<FieldError> errors = new ArrayList<>();
        String methodValue = method.orElse("");
        if (!methodValue.equals("manual") && !UNCONFIGURED.contains(methodValue)) {
            errors.add(new FieldError("payment_method", "must be manual, paypal, cashfree or stripe"));
        }
        if (plan.isPresent() && !PLANS.contains(plan.get())) {
            errors.add(new FieldError("plan", "must be starter, popular or best_value"));
        }
        if (!currency.orElse(s.currency()).equals(s.currency())) {
            errors.add(new FieldError("currency", "must be the session's currency, " + s.currency()));
        }
        if (amount.isEmpty() || !(amount.get() > 0 && amount.get() <= 100_000)) {
            errors.add(new FieldError("amount", "is required: a positive amount up to 100000"));
        }
        if (key.isEmpty() || !KEY.matcher(key.get()).matches()) {
            errors.add(new FieldError("idempotency_key", "is required: 1 to 255 visible ASCII characters, unique per"
                    + " payment, so a retried request never credits twice"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the credit request has invalid fields", errors);
        }
        if (UNCONFIGURED.contains(methodValue)) {
            throw ProblemException.of(501, "payment provider '" + methodValue + "' is not configured on this gateway;"
                    + " only 'manual' (an operator grant made with the workspace API key) is available",
                    new FieldError("payment_method", "is not configured"));
        }
        AgentAuth.agent(req).requireKey("a manual credit grant");
        long micros = Money.micros(amount.get());
        String hash = java.util.HexFormat.of().formatHex(ApiKeyAuth.sha256(String.join("\n", s.id(), methodValue,
                s.currency(), Long.toString(micros), plan.orElse(""))));
        Ledger.Credit credit = wallet.ledger().credit(s.id(), micros, (int) wallet.minutes(micros, s.currency()),
                methodValue, key.get(), hash);
        if (credit.replayed() && !hash.equals(credit.entry().requestHash())) {
            throw ProblemException.of(422, "this idempotency_key was used for a different credit; use a new key",
                    new FieldError("idempotency_key", "was used with a different request"));
        }
        Ledger.Entry e = credit.entry();
        ObjectNode out = ApiJson.object().put("transaction_id", e.id()).put("status", "completed")
                .put("minutes_added", e.minutes());
        out.set("new_balance", wallet.view(e.balanceAfterMicros(), s.currency()));
        out.put("payment_receipt_url", AgentAuth.PREFIX + "/wallet/transactions/" + e.id());
        if (credit.replayed()) {
            res.header("Idempotent-Replayed", "true");
        }
        ApiJson.send(res, credit.replayed() ? Status.OK_200 : Status.CREATED_201, out);
    }

    private void balance(ServerRequest req, ServerResponse res) {
        AgentSession s = sessions.session(req, req.query().first("session_id").orElse(null));
        ObjectNode out = ApiJson.object();
        out.set("balance", wallet.balance(s.id(), s.currency()));
        wallet.ledger().last(s.id()).ifPresentOrElse(e -> out.set("last_transaction", transaction(e)),
                () -> out.putNull("last_transaction"));
        ApiJson.send(res, Status.OK_200, out);
    }

    private void transaction(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Ledger.Entry e = wallet.ledger().find(id).orElseThrow(() -> ProblemException.notFound("there is no transaction "
                + id, "id"));
        sessions.session(req, e.sessionId());
        ApiJson.send(res, Status.OK_200, transaction(e).put("provider", e.provider()).put("call_id", e.callId())
                .put("balance_after", Money.value(e.balanceAfterMicros())));
    }

    private static ObjectNode transaction(Ledger.Entry e) {
        ObjectNode o = ApiJson.object().put("id", e.id()).put("type", e.kind()).put("amount", e.minutes())
                .put("value", Money.value(e.amountMicros())).put("timestamp", e.createdAt().toString());
        return o;
    }
}
