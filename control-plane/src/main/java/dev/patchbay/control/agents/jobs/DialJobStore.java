package dev.patchbay.control.agents.jobs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * Dial jobs in the database. Replicas claim due rows with {@code FOR UPDATE SKIP LOCKED} and a
 * lease, so none waits behind another and none dials a row twice; a claim whose replica died is
 * taken again when its lease lapses. The job learns its call in the transaction that records the
 * call, so a restart can neither lose the call nor place it again.
 */
public final class DialJobStore {

    private static final String INSERT = """
            INSERT INTO dial_jobs (id, session_id, kind, group_id, to_number, request, priority, concurrency_limit, timezone,
                                   max_attempts, retry_interval_s, attempts, state, run_at, give_up_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'pending', ?, ?, ?, ?)""";
    // Highest priority first (1 is the highest, as in the seed's example), then the oldest due.
    private static final String DUE = """
            SELECT * FROM dial_jobs
             WHERE state = 'pending' AND run_at <= ?
             ORDER BY priority, run_at, id
             LIMIT ?
             FOR UPDATE SKIP LOCKED""";
    private static final String LOCK_SESSION = "SELECT id FROM agent_sessions WHERE id = ? FOR UPDATE";
    private static final String DIALING_IN_GROUP = "SELECT COUNT(*) AS n FROM dial_jobs WHERE group_id = ? AND state = 'dialing'";
    private static final String CLAIM = """
            UPDATE dial_jobs SET state = 'dialing', attempts = attempts + 1, claimed_by = ?, claimed_until = ?, call_id = NULL,
                                 updated_at = ?
             WHERE id = ? AND state = 'pending'""";
    private static final String EXPIRE = "UPDATE dial_jobs SET state = 'expired', last_result = ?, updated_at = ? WHERE id = ?";
    // A claim that never placed its call (the replica died or was refused before the INVITE) is free again.
    private static final String RELEASE_LAPSED = """
            UPDATE dial_jobs SET state = 'pending', attempts = attempts - 1, claimed_by = NULL, claimed_until = NULL,
                                 updated_at = ?
             WHERE state = 'dialing' AND call_id IS NULL AND claimed_until < ?""";
    private static final String LINK_CALL = "UPDATE dial_jobs SET call_id = ?, claimed_until = NULL, updated_at = ? WHERE id = ?";
    private static final String SETTLE = """
            UPDATE dial_jobs SET state = ?, run_at = ?, last_result = ?, claimed_by = NULL, claimed_until = NULL, updated_at = ?
             WHERE id = ? AND state = 'dialing'""";
    private static final String BY_ID = "SELECT * FROM dial_jobs WHERE id = ?";
    private static final String BY_CALL = "SELECT * FROM dial_jobs WHERE call_id = ?";
    private static final String BY_GROUP = "SELECT * FROM dial_jobs WHERE group_id = ? ORDER BY priority, created_at, id";
    private static final String CANCEL = """
            UPDATE dial_jobs SET state = 'canceled', updated_at = ? WHERE id = ? AND state = 'pending'""";

    private final DbClient db;

    public DialJobStore(DbClient db) {
        this.db = db;
    }

    /** Stores jobs all together or not at all. */
    public void insert(List<DialJob> jobs) {
        Db.inTransaction(db, tx -> {
            for (DialJob j : jobs) {
                tx.insert(INSERT, j.id(), j.sessionId(), DialJob.wire(j.kind()), j.groupId(), j.toNumber(), j.request(),
                        j.priority(), j.concurrencyLimit(), j.timezone(), j.maxAttempts(), j.retryIntervalSeconds(),
                        Db.utc(j.runAt()), Db.utc(j.giveUpAt()), Db.utc(j.createdAt()), Db.utc(j.createdAt()));
            }
            return null;
        });
    }

    /**
     * Claims up to {@code limit} due jobs for {@code owner}. Queued jobs past their wait expire
     * instead, and a queue's jobs wait while it already dials {@code concurrency_limit} calls.
     */
    public List<DialJob> claim(String owner, Instant now, Instant leaseUntil, int limit) {
        return Db.inTransaction(db, tx -> {
            tx.dml(RELEASE_LAPSED, Db.utc(now), Db.utc(now));
            List<DialJob> claimed = new ArrayList<>();
            for (DialJob j : Db.list(tx.query(DUE, Db.utc(now), limit), DialJobStore::job)) {
                if (j.giveUpAt() != null && now.isAfter(j.giveUpAt())) {
                    tx.dml(EXPIRE, "waited longer than max_wait_time", Db.utc(now), j.id());
                    continue;
                }
                if (j.concurrencyLimit() != null) {
                    // Serialises claims of one session's queue across replicas, so the limit holds.
                    tx.get(LOCK_SESSION, j.sessionId());
                    long dialing = tx.get(DIALING_IN_GROUP, j.groupId()).map(r -> ((Number) Db.columns(r).get("n")).longValue())
                            .orElse(0L);
                    // The count sees this transaction's own claims too.
                    if (dialing >= j.concurrencyLimit()) {
                        continue;
                    }
                }
                if (tx.dml(CLAIM, owner, Db.utc(leaseUntil), Db.utc(now), j.id()) == 1) {
                    claimed.add(j);
                }
            }
            return claimed;
        });
    }

    /** Run inside the transaction that records the job's call. */
    public void linkCall(DbExecute tx, String jobId, String callId, Instant now) {
        tx.dml(LINK_CALL, callId, Db.utc(now), jobId);
    }

    /** Ends an attempt: done, failed for good, or pending again at {@code retryAt}. */
    public boolean settle(String jobId, DialJob.State state, Instant retryAt, String result, Instant now) {
        return db.execute().dml(SETTLE, DialJob.wire(state), Db.utc(retryAt), result, Db.utc(now), jobId) > 0;
    }

    public Optional<DialJob> find(String id) {
        return db.execute().get(BY_ID, id).map(DialJobStore::job);
    }

    public Optional<DialJob> byCall(String callId) {
        return db.execute().get(BY_CALL, callId).map(DialJobStore::job);
    }

    public List<DialJob> group(String groupId) {
        return Db.list(db.execute().query(BY_GROUP, groupId), DialJobStore::job);
    }

    public boolean cancel(String id, Instant now) {
        return db.execute().dml(CANCEL, Db.utc(now), id) > 0;
    }

    static DialJob job(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new DialJob((String) c.get("id"), (String) c.get("session_id"),
                DialJob.Kind.valueOf(((String) c.get("kind")).toUpperCase(Locale.ROOT)), (String) c.get("group_id"),
                (String) c.get("to_number"), (String) c.get("request"), ((Number) c.get("priority")).intValue(),
                c.get("concurrency_limit") == null ? null : ((Number) c.get("concurrency_limit")).intValue(),
                (String) c.get("timezone"), ((Number) c.get("max_attempts")).intValue(),
                ((Number) c.get("retry_interval_s")).intValue(), ((Number) c.get("attempts")).intValue(),
                DialJob.State.valueOf(((String) c.get("state")).toUpperCase(Locale.ROOT)), Db.instant(c.get("run_at")),
                Db.instant(c.get("give_up_at")), (String) c.get("call_id"), (String) c.get("last_result"),
                Db.instant(c.get("created_at")));
    }
}
