package dev.patchbay.agents.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.wallet.Ledger;
import dev.patchbay.agents.wallet.Money;
import dev.patchbay.agents.wallet.Wallet;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Seed 003 §2: credits and balances. No credit is ever made here: {@code manual} credit is the
 * operator's or a workspace admin's grant through the admin API ({@code 403} here, naming that
 * route), and the seed's card and wallet providers answer 501 rather than pretending a charge went
 * through, until one is configured with a verified payment webhook.
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
            throw ProblemException.of(501, "payment provider '" + methodValue + "' is not configured on this gateway:"
                    + " no checkout or verified payment webhook for it exists; credits are granted by the operator or a"
                    + " workspace admin with " + grantRoute(s), new FieldError("payment_method", "is not configured"));
        }
        // A workspace API key is what agents hold: it may spend the wallet, never fill it.
        throw ProblemException.of(403, "an agent's key cannot grant itself credit; the operator or a workspace admin"
                + " grants it with " + grantRoute(s) + " on the admin API", new FieldError("payment_method",
                "manual credit is granted only through the admin API: " + grantRoute(s)));
    }

    /** The admin-api route that credits this session's wallet. */
    static String grantRoute(AgentSession s) {
        return "POST /v1/workspaces/" + s.workspaceId() + "/agent-sessions/" + s.id() + "/credits";
    }

    private void balance(ServerRequest req, ServerResponse res) {
        AgentSession s = sessions.session(req, req.query().first("session_id").orElse(null));
        ObjectNode out = ApiJson.object();
        Map<Ledger.Account, Long> accounts = wallet.ledger().accounts(s.id());
        out.set("balance", wallet.view(accounts.get(Ledger.Account.AVAILABLE), s.currency()));
        // Held for calls in progress until they settle; not in balance, so never spent twice.
        out.set("reserved", wallet.view(accounts.get(Ledger.Account.RESERVED), s.currency()));
        wallet.ledger().last(s.id()).ifPresentOrElse(e -> out.set("last_transaction", transaction(e, s.currency())),
                () -> out.putNull("last_transaction"));
        ApiJson.send(res, Status.OK_200, out);
    }

    private void transaction(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Ledger.Entry e = wallet.ledger().find(id).orElseThrow(() -> ProblemException.notFound("there is no transaction "
                + id, "id"));
        AgentSession s = sessions.session(req, e.sessionId());
        ApiJson.send(res, Status.OK_200, transaction(e, s.currency()).put("provider", e.provider()).put("call_id", e.callId())
                .put("balance_after", Money.value(e.balanceAfterMicros())));
    }

    private ObjectNode transaction(Ledger.Entry e, String currency) {
        // A grant's minutes are its value at the reference minute price; a call's are its billed minutes.
        long minutes = "credit".equals(e.kind()) ? wallet.minutes(e.amountMicros(), currency) : e.minutes();
        ObjectNode o = ApiJson.object().put("id", e.id()).put("type", e.kind()).put("amount", minutes)
                .put("value", Money.value(e.amountMicros())).put("timestamp", e.createdAt().toString());
        return o;
    }
}
