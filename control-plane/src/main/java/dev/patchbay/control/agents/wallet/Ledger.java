package dev.patchbay.control.agents.wallet;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.control.agents.auth.SessionTokens;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * A session's wallet as an append-only ledger. Every writer first locks the session's row, so
 * writes to one wallet are serial and each row's running balance is exact; idempotent credits
 * and per-call debits are also guarded by unique constraints, so a race can only lose, never double.
 */
public final class Ledger {

    /** One ledger row. */
    public record Entry(String id, String sessionId, String kind, long amountMicros, long balanceAfterMicros, int minutes,
                        String provider, String callId, String idempotencyKey, String requestHash, Instant createdAt) { }

    /** What a credit did: the entry, and whether it replays an earlier request with the same key. */
    public record Credit(Entry entry, boolean replayed) { }

    /** What a call's debit did: the entry, or empty when the call cost nothing or was debited already. */
    public record Debit(Optional<Entry> entry, long balanceBeforeMicros) { }

    private static final String LOCK = "SELECT id FROM agent_sessions WHERE id = ? FOR UPDATE";
    private static final String BALANCE = "SELECT COALESCE(SUM(amount_micros), 0) AS balance FROM wallet_ledger WHERE session_id = ?";
    private static final String INSERT = """
            INSERT INTO wallet_ledger (id, session_id, kind, amount_micros, balance_after_micros, minutes, provider, call_id,
                                       idempotency_key, request_hash, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String BY_KEY = "SELECT * FROM wallet_ledger WHERE session_id = ? AND idempotency_key = ?";
    private static final String BY_ID = "SELECT * FROM wallet_ledger WHERE id = ?";
    private static final String BY_CALL = "SELECT * FROM wallet_ledger WHERE call_id = ?";
    private static final String LAST = "SELECT * FROM wallet_ledger WHERE session_id = ? ORDER BY created_at DESC, id DESC";

    private final DbClient db;
    private final Clock clock;

    public Ledger(DbClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public long balance(String sessionId) {
        return balance(db.execute(), sessionId);
    }

    public Optional<Entry> last(String sessionId) {
        try (var rows = db.execute().query(LAST, sessionId)) {
            return rows.findFirst().map(Ledger::entry);
        }
    }

    public Optional<Entry> find(String id) {
        return db.execute().get(BY_ID, id).map(Ledger::entry);
    }

    public Optional<Entry> byCall(String callId) {
        return db.execute().get(BY_CALL, callId).map(Ledger::entry);
    }

    /**
     * Credits a wallet once per idempotency key. A second request with the key, even one racing
     * the first, gets the first one's entry back with {@code replayed} set.
     */
    public Credit credit(String sessionId, long micros, int minutes, String provider, String key, String requestHash) {
        Optional<Entry> earlier = byKey(sessionId, key);
        if (earlier.isPresent()) {
            return new Credit(earlier.get(), true);
        }
        try {
            return Db.inTransaction(db, tx -> {
                tx.get(LOCK, sessionId);
                // Re-read under the lock: a racing request with this key may have committed meanwhile.
                Optional<Entry> raced = tx.get(BY_KEY, sessionId, key).map(Ledger::entry);
                return raced.map(e -> new Credit(e, true)).orElseGet(() -> new Credit(
                        append(tx, sessionId, "credit", micros, minutes, provider, null, key, requestHash), false));
            });
        } catch (DbClientException e) {
            if (Db.uniqueViolation(e)) {
                return new Credit(byKey(sessionId, key).orElseThrow(), true);
            }
            throw e;
        }
    }

    /** Debits a call's cost once, whichever replica sees the call end. */
    public Debit debitCall(String sessionId, String callId, long micros, int minutes) {
        try {
            return Db.inTransaction(db, tx -> {
                tx.get(LOCK, sessionId);
                long before = balance(tx, sessionId);
                if (micros <= 0 || tx.get(BY_CALL, callId).isPresent()) {
                    return new Debit(Optional.empty(), before);
                }
                return new Debit(Optional.of(append(tx, sessionId, "debit", -micros, minutes, null, callId, null, null)),
                        before);
            });
        } catch (DbClientException e) {
            if (Db.uniqueViolation(e)) {
                return new Debit(Optional.empty(), balance(sessionId));
            }
            throw e;
        }
    }

    private Optional<Entry> byKey(String sessionId, String key) {
        return db.execute().get(BY_KEY, sessionId, key).map(Ledger::entry);
    }

    private Entry append(DbExecute tx, String sessionId, String kind, long micros, int minutes, String provider,
                         String callId, String key, String requestHash) {
        Entry e = new Entry(SessionTokens.newId("txn"), sessionId, kind, micros, balance(tx, sessionId) + micros, minutes,
                provider, callId, key, requestHash, clock.instant());
        tx.insert(INSERT, e.id(), sessionId, kind, micros, e.balanceAfterMicros(), minutes, provider, callId, key,
                requestHash, Db.utc(e.createdAt()));
        return e;
    }

    private static long balance(DbExecute tx, String sessionId) {
        return tx.get(BALANCE, sessionId).map(r -> ((Number) Db.columns(r).get("balance")).longValue()).orElse(0L);
    }

    private static Entry entry(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new Entry((String) c.get("id"), (String) c.get("session_id"), (String) c.get("kind"),
                ((Number) c.get("amount_micros")).longValue(), ((Number) c.get("balance_after_micros")).longValue(),
                ((Number) c.get("minutes")).intValue(), (String) c.get("provider"), (String) c.get("call_id"),
                (String) c.get("idempotency_key"), (String) c.get("request_hash"), Db.instant(c.get("created_at")));
    }
}
