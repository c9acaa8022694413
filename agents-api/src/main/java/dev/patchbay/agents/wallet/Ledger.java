package dev.patchbay.agents.wallet;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.agents.auth.SessionTokens;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * A session's wallet as double-entry rows (V16): each transaction is a header in
 * {@code wallet_ledger} and entries in {@code wallet_entries} that move money between the
 * session's accounts and sum to zero, with the accounts' running balances in
 * {@code wallet_accounts}, whose CHECK keeps every balance but funding at or above zero. Every
 * writer first locks the session's available account row, so writes to one wallet are serial.
 * Not the session row: recording a call inserts rows whose foreign keys share-lock it, and a
 * reservation queued behind that would hold a pooled connection the call's transaction may need. A call reserves its
 * worst case before it is placed and settles its real cost when it ends; credits are written by
 * the admin-api (operator grants), never here.
 */
public final class Ledger {

    /** A session's accounts. */
    public enum Account {
        FUNDING, AVAILABLE, RESERVED, SPENT;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One transaction's header row. {@code amountMicros} is what it did to the available balance. */
    public record Entry(String id, String sessionId, String kind, long amountMicros, long balanceAfterMicros, int minutes,
                        String provider, String callId, Instant createdAt) { }

    /** Money held for one call; {@code callId} is null until the call is recorded. */
    public record Reservation(String id, String sessionId, String workspaceId, String callId, long amountMicros,
                              long rateMicros, int maxSeconds, boolean held, Long costMicros, Instant createdAt) { }

    /** What a reservation attempt found under the session's lock. */
    public sealed interface Hold {
        /** Held: the call may be placed and last {@code reservation.maxSeconds()}. */
        record Reserved(Reservation reservation) implements Hold { }

        /** Refused: {@code headroom} is what the wallet (and the spend limit) left; {@code byLimit} if the limit was the bound. */
        record Short(long neededMicros, long availableMicros, long headroomMicros, boolean byLimit) implements Hold { }
    }

    /** A settled reservation: charged to spent, the rest back to available. */
    public record Settlement(Reservation reservation, long chargedMicros, long releasedMicros, long availableAfterMicros,
                             Entry entry) {
        /** The available balance had this call never reserved: before its charge, for balance.low. */
        public long availableWithoutCallMicros() {
            return availableAfterMicros - releasedMicros + reservation.amountMicros();
        }
    }

    private final DbClient db;
    private final Clock clock;

    public Ledger(DbClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The spendable balance: credits less what calls reserved or spent. */
    public long balance(String sessionId) {
        return accounts(db.execute(), sessionId).get(Account.AVAILABLE);
    }

    public Map<Account, Long> accounts(String sessionId) {
        return accounts(db.execute(), sessionId);
    }

    public Optional<Entry> last(String sessionId) {
        try (var rows = db.execute().namedQuery("wallet-last", sessionId)) {
            return rows.findFirst().map(Ledger::entry);
        }
    }

    public Optional<Entry> find(String id) {
        return db.execute().namedGet("wallet-by-id", id).map(Ledger::entry);
    }

    /**
     * Holds the worst case of a call: {@code tariff} over {@code requestedSeconds} when {@code exact},
     * else over the longest whole increments up to {@code requestedSeconds} that the wallet and the
     * session's spend limit ({@code budgetMicros}, null for none) allow.
     */
    public Hold reserve(String sessionId, String workspaceId, Long budgetMicros, Tariff tariff, int requestedSeconds,
                        boolean exact) {
        openAccounts(sessionId);
        return Db.inTransaction(db, tx -> {
            lock(tx, sessionId);
            Map<Account, Long> a = accounts(tx, sessionId);
            long available = a.get(Account.AVAILABLE);
            long headroom = available;
            boolean byLimit = false;
            if (budgetMicros != null) {
                long left = Math.max(0, budgetMicros - a.get(Account.SPENT) - a.get(Account.RESERVED));
                byLimit = left < available;
                headroom = Math.min(available, left);
            }
            int seconds = exact ? requestedSeconds : tariff.affordableSeconds(headroom, requestedSeconds);
            long amount = tariff.cost(seconds);
            if (seconds < 1 || amount > headroom) {
                long needed = tariff.cost(exact ? requestedSeconds : Math.min(requestedSeconds, tariff.incrementSeconds()));
                return new Hold.Short(needed, available, headroom, byLimit);
            }
            Instant now = clock.instant();
            String id = SessionTokens.newId("txn");
            append(tx, new Entry(id, sessionId, "reserve", -amount, available - amount, (int) tariff.minutes(seconds), null,
                    null, now), Map.of(Account.AVAILABLE, -amount, Account.RESERVED, amount));
            Reservation r = new Reservation(id, sessionId, workspaceId, null, amount, tariff.microsPerMinute(), seconds, true,
                    null, now);
            tx.namedInsert("wallet-insert-reservation", r.id(), sessionId, workspaceId, amount, r.rateMicros(), seconds,
                    Db.utc(now));
            return new Hold.Reserved(r);
        });
    }

    /** Ties a reservation to its call, in the transaction that records the call. */
    public void attach(DbExecute tx, String reservationId, String callId) {
        tx.namedDml("wallet-attach-reservation", callId, reservationId);
        tx.namedDml("wallet-attach-entry", callId, reservationId);
    }

    public Optional<Reservation> reservationOfCall(String callId) {
        return db.execute().namedGet("wallet-reservation-by-call", callId).map(Ledger::reservation);
    }

    /** Held reservations made before {@code before}, oldest first: the sweeper's work list. */
    public List<Reservation> held(Instant before, int limit) {
        return Db.list(db.execute().namedQuery("wallet-held-reservations", Db.utc(before), limit), Ledger::reservation);
    }

    /**
     * Settles a held reservation: {@code costMicros} (capped at what was held) goes to spent, the rest
     * back to available. Empty when it was settled already, by another replica or the sweeper.
     */
    public Optional<Settlement> settle(String reservationId, long costMicros, int minutes) {
        return Db.inTransaction(db, tx -> {
            Optional<Reservation> found = tx.namedGet("wallet-reservation-by-id", reservationId).map(Ledger::reservation);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            lock(tx, found.get().sessionId());
            // Re-read under the lock: whoever settled first wins, the rest see it settled.
            Reservation r = tx.namedGet("wallet-reservation-by-id", reservationId).map(Ledger::reservation).orElseThrow();
            if (!r.held()) {
                return Optional.empty();
            }
            long charged = Math.min(Math.max(0, costMicros), r.amountMicros());
            long released = r.amountMicros() - charged;
            long after = accounts(tx, r.sessionId()).get(Account.AVAILABLE) + released;
            Instant now = clock.instant();
            Entry e = new Entry(SessionTokens.newId("txn"), r.sessionId(), "settle", released, after, minutes, null,
                    r.callId(), now);
            append(tx, e, Map.of(Account.RESERVED, -r.amountMicros(), Account.SPENT, charged, Account.AVAILABLE, released));
            tx.namedDml("wallet-settle-reservation", charged, Db.utc(now), r.id());
            return Optional.of(new Settlement(r, charged, released, after, e));
        });
    }

    /** Releases a reservation in full if no call was recorded with it; empty if one was, or it is settled. */
    public Optional<Settlement> releaseUnplaced(String reservationId) {
        boolean unplaced = db.execute().namedGet("wallet-reservation-by-id", reservationId).map(Ledger::reservation)
                .map(r -> r.callId() == null).orElse(false);
        return unplaced ? settle(reservationId, 0, 0) : Optional.empty();
    }

    /** Writes a header and its entries, and moves the accounts' balances, in the caller's transaction. */
    private static void append(DbExecute tx, Entry e, Map<Account, Long> moves) {
        if (moves.values().stream().mapToLong(Long::longValue).sum() != 0) {
            throw new IllegalStateException("unbalanced wallet transaction " + moves);
        }
        tx.namedInsert("wallet-insert-header", e.id(), e.sessionId(), e.kind(), e.amountMicros(), e.balanceAfterMicros(),
                e.minutes(), e.provider(), e.callId(), Db.utc(e.createdAt()));
        for (Map.Entry<Account, Long> m : new EnumMap<>(moves).entrySet()) {
            if (m.getValue() != 0) {
                tx.namedInsert("wallet-insert-entry", e.id(), e.sessionId(), m.getKey().column(), m.getValue(),
                        Db.utc(e.createdAt()));
                // The CHECK on wallet_accounts refuses a balance below zero here, whatever the arithmetic above did.
                tx.namedDml("wallet-move", m.getValue(), e.sessionId(), m.getKey().column());
            }
        }
    }

    /** Locks the wallet: its available account's row. */
    private static void lock(DbExecute tx, String sessionId) {
        tx.namedGet("wallet-lock-available", sessionId).orElseThrow(() -> new IllegalStateException(
                "session " + sessionId + " has no wallet accounts"));
    }

    /** Opens the session's four accounts if it has none yet, in a transaction of its own; a racing opener may win. */
    public void openAccounts(String sessionId) {
        if (db.execute().namedGet("wallet-count-accounts", sessionId).map(r -> ((Number) Db.columns(r).get("n"))
                .longValue()).orElse(0L) > 0) {
            return;
        }
        try {
            Db.inTransaction(db, tx -> {
                for (Account a : Account.values()) {
                    tx.namedInsert("wallet-open-account", sessionId, a.column());
                }
                return null;
            });
        } catch (io.helidon.dbclient.DbClientException e) {
            if (!Db.uniqueViolation(e)) {
                throw e;
            }
        }
    }

    private static Map<Account, Long> accounts(DbExecute exec, String sessionId) {
        Map<Account, Long> out = new EnumMap<>(Account.class);
        for (Account a : Account.values()) {
            out.put(a, 0L);
        }
        Db.list(exec.namedQuery("wallet-accounts", sessionId), Db::columns).forEach(c -> out.put(
                Account.valueOf(((String) c.get("account")).toUpperCase(java.util.Locale.ROOT)),
                ((Number) c.get("balance_micros")).longValue()));
        return out;
    }

    private static Entry entry(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new Entry((String) c.get("id"), (String) c.get("session_id"), (String) c.get("kind"),
                ((Number) c.get("amount_micros")).longValue(), ((Number) c.get("balance_after_micros")).longValue(),
                ((Number) c.get("minutes")).intValue(), (String) c.get("provider"), (String) c.get("call_id"),
                Db.instant(c.get("created_at")));
    }

    private static Reservation reservation(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new Reservation((String) c.get("id"), (String) c.get("session_id"), (String) c.get("workspace_id"),
                (String) c.get("call_id"), ((Number) c.get("amount_micros")).longValue(),
                ((Number) c.get("rate_micros")).longValue(), ((Number) c.get("max_seconds")).intValue(),
                "held".equals(c.get("state")), c.get("cost_micros") == null ? null : ((Number) c.get("cost_micros")).longValue(),
                Db.instant(c.get("created_at")));
    }
}
