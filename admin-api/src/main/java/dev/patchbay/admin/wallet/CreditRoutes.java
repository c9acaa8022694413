package dev.patchbay.admin.wallet;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.audit.AuditLog;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.ids.Ids;
import dev.patchbay.admin.tenant.TenantRoutes;
import dev.patchbay.admin.tenant.TenantService;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/workspaces/{ws}/agent-sessions/{session_id}/credits}: the operator or the
 * workspace's admin grants credit to an agent session's wallet (seed 003). This is the only way
 * credit enters a wallet until a payment provider with a verified webhook is configured; the
 * agents' own API keys can spend a wallet but never fill it. Each grant is audited with its actor.
 */
public final class CreditRoutes {

    static final String SESSION = TenantRoutes.WS + "/agent-sessions/{session}";
    public static final String PATH = SESSION + "/credits";
    private static final List<String> FIELDS = List.of("amount", "currency", "idempotency_key", "note");
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final BigDecimal MAX = BigDecimal.valueOf(100_000);

    private final TenantService tenants;
    private final DbClient db;
    private final Ids ids;
    private final Clock clock;
    private final Audit audit;

    public CreditRoutes(TenantService tenants, DbClient db, Ids ids, Clock clock, Audit audit) {
        this.tenants = tenants;
        this.db = db;
        this.ids = ids;
        this.clock = clock;
        this.audit = audit;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.post(PATH, Access.WORKSPACE, this::grant));
    }

    private record Grant(long micros, Optional<String> currency, String key, String note) { }

    private void grant(ServerRequest req, ServerResponse res) {
        String ws = tenants.workspace(req.path().pathParameters().get(Access.WS)).id();
        String sessionId = req.path().pathParameters().get("session");
        Grant g = parse(ApiJson.read(req, FIELDS));
        Principal by = Principal.of(req);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        CreditStore.Session s = CreditStore.session(db.execute(), ws, sessionId).orElseThrow(() -> ProblemException.notFound(
                "agent session " + sessionId + " does not exist in workspace " + ws, "session_id"));
        if (g.currency().isPresent() && !g.currency().get().equals(s.currency())) {
            throw ProblemException.invalid("the credit is in another currency than the session's wallet", List.of(
                    new FieldError("currency", "must be the session's currency, " + s.currency())));
        }
        CreditStore.openAccounts(db, s.id());
        Outcome out = Db.inTransaction(db, tx -> {
            CreditStore.lock(tx, s.id());
            String hash = hash(s.id(), Long.toString(g.micros()), s.currency(), g.note());
            Optional<CreditStore.Credit> earlier = CreditStore.byKey(tx, s.id(), g.key());
            if (earlier.isPresent()) {
                if (!hash.equals(earlier.get().requestHash())) {
                    throw ProblemException.of(422, "this idempotency_key was used for a different credit; use a new key",
                            new FieldError("idempotency_key", "was used with a different request"));
                }
                return new Outcome(earlier.get(), s.currency(), true);
            }
            if (s.ended()) {
                throw ProblemException.of(409, "agent session " + s.id() + " has ended; its wallet takes no more credit",
                        new FieldError("session_id", "has ended"));
            }
            String id = ids.next("txn_");
            long after = CreditStore.append(tx, id, s.id(), g.micros(), g.key(), hash, by.actor(), now);
            CreditStore.Credit c = new CreditStore.Credit(id, s.id(), g.micros(), after, hash, by.actor(), now);
            ObjectNode body = json(c, s.currency());
            if (g.note() != null) {
                body.put("note", g.note());
            }
            AuditLog.record(tx, audit.entry(by, ws, "wallet_credit", id, Audit.CREATE, null, body));
            return new Outcome(c, s.currency(), false);
        });
        ObjectNode body = json(out.credit(), out.currency()).put("workspace_id", ws);
        if (out.replayed()) {
            res.header("Idempotent-Replayed", "true");
        } else {
            res.header(HeaderNames.LOCATION, TenantRoutes.PATH + "/" + ws + "/audit-log");
        }
        ApiJson.send(res, out.replayed() ? Status.OK_200 : Status.CREATED_201, body);
    }

    private record Outcome(CreditStore.Credit credit, String currency, boolean replayed) { }

    private static Grant parse(JsonBody body) {
        JsonNode amountNode = body.node().get("amount");
        Optional<String> currency = body.string("currency");
        Optional<String> key = body.string("idempotency_key");
        Optional<String> note = body.string("note");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        Long micros = micros(amountNode);
        if (micros == null) {
            errors.add(new FieldError("amount", "is required: a positive amount up to 100000 with at most 6 decimal"
                    + " places, as a JSON number or a decimal string such as \"15.00\""));
        }
        if (currency.isPresent() && !currency.get().matches("[A-Z]{3}")) {
            errors.add(new FieldError("currency", "must be an ISO 4217 code such as USD"));
        }
        if (key.isEmpty() || !KEY.matcher(key.get()).matches()) {
            errors.add(new FieldError("idempotency_key", "is required: 1 to 255 visible ASCII characters, unique per"
                    + " grant, so a retried request never credits twice"));
        }
        if (note.isPresent() && note.get().length() > 200) {
            errors.add(new FieldError("note", "must be at most 200 characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the credit has invalid fields", errors);
        }
        return new Grant(micros, currency, key.get(), note.orElse(null));
    }

    /** The amount in micro-units, read from the JSON text exactly (never through a double); null if unusable. */
    private static Long micros(JsonNode node) {
        if (node == null || !(node.isNumber() || node.isTextual())) {
            return null;
        }
        BigDecimal v;
        try {
            v = node.isTextual() ? new BigDecimal(node.textValue().strip()) : node.decimalValue();
        } catch (NumberFormatException e) {
            return null;
        }
        if (v.signum() <= 0 || v.compareTo(MAX) > 0 || v.stripTrailingZeros().scale() > 6) {
            return null;
        }
        return v.movePointRight(6).longValueExact();
    }

    private static ObjectNode json(CreditStore.Credit c, String currency) {
        ObjectNode o = ApiJson.object().put("transaction_id", c.id()).put("session_id", c.sessionId())
                .put("type", "credit").put("amount", value(c.amountMicros())).put("currency", currency);
        o.putObject("balance_after").put("value", value(c.balanceAfterMicros())).put("currency", currency);
        return o.put("granted_by", c.grantedBy()).put("created_at", c.createdAt().toString());
    }

    /** Micro-units as a decimal amount without trailing zeros ("15", "0.5"). */
    static BigDecimal value(long micros) {
        BigDecimal v = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return v.scale() < 0 ? v.setScale(0) : v;
    }

    private static String hash(String... parts) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", parts[0], parts[1], parts[2], parts[3] == null ? "" : parts[3])
                            .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
