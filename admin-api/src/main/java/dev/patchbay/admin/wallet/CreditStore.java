package dev.patchbay.admin.wallet;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;

/**
 * Credits to an agent session's wallet (V6, V16) through the named statements in application.yaml.
 * A credit is one balanced transaction: a {@code wallet_ledger} header, and entries moving the
 * amount from the session's funding account to its available account, with the running balances
 * in {@code wallet_accounts}. The agents' API in the control-plane writes reservations and
 * settlements the same way; both lock the session's available account row first.
 */
final class CreditStore {

    private static final String[] ACCOUNTS = {"funding", "available", "reserved", "spent"};

    /** The session a credit goes to. */
    record Session(String id, String currency, boolean ended) { }

    /** A credit's header row. */
    record Credit(String id, String sessionId, long amountMicros, long balanceAfterMicros, String requestHash,
                  String grantedBy, Instant createdAt) { }

    private CreditStore() {
    }

    /** The workspace's session; empty when the workspace has no such session. */
    static Optional<Session> session(DbExecute exec, String workspaceId, String sessionId) {
        return exec.namedGet("wallet-agent-session", sessionId, workspaceId).map(Db::columns)
                .map(c -> new Session((String) c.get("id"), (String) c.get("currency"), c.get("ended_at") != null));
    }

    /** Opens the session's four accounts if it has none, in a transaction of its own; a racing opener may win. */
    static void openAccounts(DbClient db, String sessionId) {
        if (db.execute().namedGet("wallet-count-accounts", sessionId).map(r -> ((Number) Db.columns(r).get("n"))
                .longValue()).orElse(0L) > 0) {
            return;
        }
        try {
            Db.inTransaction(db, tx -> {
                for (String account : ACCOUNTS) {
                    tx.namedInsert("wallet-open-account", sessionId, account);
                }
                return null;
            });
        } catch (DbClientException e) {
            if (!Db.uniqueViolation(e)) {
                throw e;
            }
        }
    }

    /** Locks the wallet (its available account's row), so credits, reservations and settlements are serial. */
    static void lock(DbExecute tx, String sessionId) {
        tx.namedGet("wallet-lock-available", sessionId).orElseThrow(() -> new IllegalStateException(
                "session " + sessionId + " has no wallet accounts"));
    }

    static Optional<Credit> byKey(DbExecute tx, String sessionId, String key) {
        return tx.namedGet("wallet-credit-by-key", sessionId, key).map(Db::columns).map(CreditStore::credit);
    }

    /** Appends the credit; the caller holds the wallet's lock. Returns the balance after it. */
    static long append(DbExecute tx, String txnId, String sessionId, long micros, String key, String requestHash,
                       String grantedBy, Instant at) {
        long available = tx.namedGet("wallet-available", sessionId)
                .map(r -> ((Number) Db.columns(r).get("balance_micros")).longValue()).orElse(0L);
        tx.namedInsert("wallet-insert-credit", txnId, sessionId, micros, available + micros, key, requestHash, grantedBy,
                Db.utc(at));
        move(tx, txnId, sessionId, "funding", -micros, at);
        move(tx, txnId, sessionId, "available", micros, at);
        return available + micros;
    }

    private static void move(DbExecute tx, String txnId, String sessionId, String account, long micros, Instant at) {
        tx.namedInsert("wallet-insert-entry", txnId, sessionId, account, micros, Db.utc(at));
        tx.namedDml("wallet-move", micros, sessionId, account);
    }

    private static Credit credit(Map<String, Object> c) {
        return new Credit((String) c.get("id"), (String) c.get("session_id"), ((Number) c.get("amount_micros")).longValue(),
                ((Number) c.get("balance_after_micros")).longValue(), (String) c.get("request_hash"),
                (String) c.get("granted_by"), Db.instant(c.get("created_at")));
    }
}
