package dev.patchbay.admin.wallet;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.admin.tenant.TenantJson;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The agent sessions' wallets (V6, V16), read-only: {@code GET /v1/agent-sessions} lists sessions with
 * their balances (the operator every workspace's, or one named by {@code workspace_id}; a workspace
 * admin its own), and {@code GET .../agent-sessions/{session}/wallet} shows one wallet's held
 * reservations and its latest ledger rows. Money goes in through {@link CreditRoutes} only.
 */
public final class WalletRoutes {

    /** The ledger rows one wallet answer carries, newest first; older ones are in the database. */
    static final int LEDGER_ROWS = 100;

    private final DbClient db;
    private final Consumer<String> requireWorkspace;

    /** @param requireWorkspace throws the workspace's 404 when it does not exist */
    public WalletRoutes(DbClient db, Consumer<String> requireWorkspace) {
        this.db = db;
        this.requireWorkspace = requireWorkspace;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.get("/v1/agent-sessions", Access.ANY, this::list),
                ApiRoute.get(CreditRoutes.SESSION + "/wallet", Access.WORKSPACE, this::wallet));
    }

    private void list(ServerRequest req, ServerResponse res) {
        String requested = req.query().first("workspace_id").asOptional().map(String::strip).filter(s -> !s.isEmpty())
                .orElse(null);
        PageRequest page = PageRequest.from(req);
        String ws = Access.scope(req, requested, requireWorkspace);
        List<Map<String, Object>> rows = Db.list(db.execute().namedQuery("wallet-sessions", ws, ws,
                Db.utc(page.afterTime()), Db.utc(page.afterTime()), page.afterId(), page.fetch()), Db::columns);
        PageRequest.Page<Map<String, Object>> p = page.page(rows, r -> Db.instant(r.get("created_at")),
                r -> (String) r.get("id"));
        ApiJson.send(res, Status.OK_200, TenantJson.items(p, WalletRoutes::session));
    }

    private void wallet(ServerRequest req, ServerResponse res) {
        String ws = req.path().pathParameters().get(Access.WS);
        requireWorkspace.accept(ws);
        String id = req.path().pathParameters().get("session");
        Map<String, Object> row = db.execute().namedGet("wallet-session", id, ws).map(Db::columns)
                .orElseThrow(() -> ProblemException.notFound("agent session " + id + " does not exist in workspace " + ws,
                        "session_id"));
        String currency = (String) row.get("currency");
        ObjectNode body = session(row);
        ArrayNode held = body.putArray("reservations");
        db.execute().namedQuery("wallet-held-reservations", id).map(Db::columns).forEach(r -> held.addObject()
                .put("reservation_id", (String) r.get("id")).put("call_id", (String) r.get("call_id"))
                .put("amount", CreditRoutes.value(micros(r, "amount_micros"))).put("currency", currency)
                .put("rate_per_minute", CreditRoutes.value(micros(r, "rate_micros")))
                .put("max_seconds", ((Number) r.get("max_seconds")).intValue())
                .put("created_at", time(r, "created_at")));
        ArrayNode ledger = body.putArray("ledger");
        List<Map<String, Object>> rows = Db.list(db.execute().namedQuery("wallet-ledger", id, LEDGER_ROWS + 1), Db::columns);
        rows.stream().limit(LEDGER_ROWS).forEach(r -> ledger.addObject()
                .put("transaction_id", (String) r.get("id")).put("type", (String) r.get("kind"))
                .put("amount", CreditRoutes.value(micros(r, "amount_micros"))).put("currency", currency)
                .put("balance_after", CreditRoutes.value(micros(r, "balance_after_micros")))
                .put("call_id", (String) r.get("call_id")).put("granted_by", (String) r.get("granted_by"))
                .put("created_at", time(r, "created_at")));
        body.put("ledger_truncated", rows.size() > LEDGER_ROWS);
        ApiJson.send(res, Status.OK_200, body);
    }

    /** A session with its four accounts; "credited" is what funding gave out, so never below zero. */
    private static ObjectNode session(Map<String, Object> r) {
        String currency = (String) r.get("currency");
        ObjectNode o = ApiJson.object().put("session_id", (String) r.get("id"))
                .put("workspace_id", (String) r.get("workspace_id")).put("agent_id", (String) r.get("agent_id"))
                .put("session_type", (String) r.get("session_type")).put("currency", currency);
        o.putObject("balance").put("available", money(r, "available_micros")).put("reserved", money(r, "reserved_micros"))
                .put("spent", money(r, "spent_micros")).put("credited", CreditRoutes.value(-micros(r, "funding_micros")));
        return o.put("created_at", time(r, "created_at")).put("expires_at", time(r, "expires_at"))
                .put("ended_at", time(r, "ended_at"));
    }

    private static BigDecimal money(Map<String, Object> r, String column) {
        return CreditRoutes.value(micros(r, column));
    }

    private static long micros(Map<String, Object> r, String column) {
        return r.get(column) == null ? 0 : ((Number) r.get(column)).longValue();
    }

    private static String time(Map<String, Object> r, String column) {
        return Optional.ofNullable(Db.instant(r.get(column))).map(Instant::toString).orElse(null);
    }
}
