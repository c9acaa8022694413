package dev.patchbay.control.agents.jobs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

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
    /*
     * Fair pick (issue 18): round-robin over workspaces, and within one over its lanes (a queue or
     * batch, or a session's scheduled calls), highest priority (1) then oldest first within a lane.
     * A limited queue offers only its free lines (concurrency_limit less the calls it dials), so jobs
     * that could not be placed never take a place in the batch and starve nobody. Ranking needs
     * window functions, which FOR UPDATE does not allow, so the ranked ids are locked by an outer
     * select: SKIP LOCKED lets replicas pick at once, and claim() re-counts limited queues under
     * their session's lock, so two replicas never dial more than a queue's limit between them.
     */
    private static final String DUE = """
            SELECT * FROM dial_jobs
             WHERE state = 'pending' AND id IN (
                SELECT id FROM (
                    SELECT r.id, r.priority, r.run_at,
                           ROW_NUMBER() OVER (PARTITION BY r.workspace_id ORDER BY r.turn, r.priority, r.run_at, r.id) AS pick_round
                      FROM (
                        SELECT j.id, s.workspace_id, j.priority, j.run_at, j.concurrency_limit, COALESCE(b.n, 0) AS busy,
                               ROW_NUMBER() OVER (PARTITION BY COALESCE(j.group_id, j.session_id)
                                                  ORDER BY j.priority, j.run_at, j.id) AS turn
                          FROM dial_jobs j
                          JOIN agent_sessions s ON s.id = j.session_id
                          LEFT JOIN (SELECT group_id, COUNT(*) AS n FROM dial_jobs
                                      WHERE state = 'dialing' AND group_id IS NOT NULL GROUP BY group_id) b
                                 ON b.group_id = j.group_id
                         WHERE j.state = 'pending' AND j.run_at <= ?
                           -- A full queue's jobs are dropped before ranking: the cost stays with what can run.
                           AND (j.concurrency_limit IS NULL OR COALESCE(b.n, 0) < j.concurrency_limit)) r
                     WHERE r.concurrency_limit IS NULL OR r.turn <= r.concurrency_limit - r.busy) o
                 ORDER BY pick_round, priority, run_at, id
                 LIMIT ?)
             ORDER BY priority, run_at, id
             FOR UPDATE SKIP LOCKED""";
    // A queued call not dialed within its max_wait_time leaves the queue, even while its queue is full.
    private static final String EXPIRE_OVERDUE = """
            UPDATE dial_jobs SET state = 'expired', updated_at = ?,
                                 last_result = CASE WHEN last_result IS NULL THEN 'waited longer than max_wait_time'
                                                    ELSE 'waited longer than max_wait_time; last attempt: ' || last_result END
             WHERE state = 'pending' AND give_up_at IS NOT NULL AND give_up_at < ?""";
    private static final String LOCK_SESSION = "SELECT id FROM agent_sessions WHERE id = ? FOR UPDATE";
    private static final String DIALING_IN_GROUP = "SELECT COUNT(*) AS n FROM dial_jobs WHERE group_id = ? AND state = 'dialing'";
    private static final String CLAIM = """
            UPDATE dial_jobs SET state = 'dialing', attempts = attempts + 1, claimed_by = ?, claimed_until = ?, call_id = NULL,
                                 updated_at = ?
             WHERE id = ? AND state = 'pending'""";
    // A claim that never placed its call (the replica died or was refused before the INVITE) is free again.
    private static final String RELEASE_LAPSED = """
            UPDATE dial_jobs SET state = 'pending', attempts = attempts - 1, claimed_by = NULL, claimed_until = NULL,
                                 updated_at = ?
             WHERE state = 'dialing' AND call_id IS NULL AND claimed_until < ?""";
    private static final String LINK_CALL = "UPDATE dial_jobs SET call_id = ?, claimed_until = NULL, updated_at = ? WHERE id = ?";
    private static final String SETTLE = """
            UPDATE dial_jobs SET state = ?, run_at = ?, last_result = ?, claimed_by = NULL, claimed_until = NULL, updated_at = ?
             WHERE id = ? AND state = 'dialing'""";
    // Not dialed after all (the session's hourly calls are spent): pending again, and not an attempt.
    private static final String DEFER = """
            UPDATE dial_jobs SET state = 'pending', attempts = attempts - 1, run_at = ?, last_result = ?, claimed_by = NULL,
                                 claimed_until = NULL, updated_at = ?
             WHERE id = ? AND state = 'dialing'""";
    private static final String DEFER_SESSION = """
            UPDATE dial_jobs SET run_at = ?, updated_at = ? WHERE session_id = ? AND state = 'pending' AND run_at < ?""";
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
     * Claims up to {@code limit} due jobs for {@code owner}, fairly between workspaces and queues.
     * Queued jobs past their wait expire instead, and a queue's jobs wait while it already dials
     * {@code concurrency_limit} calls.
     */
    public List<DialJob> claim(String owner, Instant now, Instant leaseUntil, int limit) {
        return Db.inTransaction(db, tx -> {
            tx.dml(RELEASE_LAPSED, Db.utc(now), Db.utc(now));
            tx.dml(EXPIRE_OVERDUE, Db.utc(now), Db.utc(now));
            List<DialJob> due = Db.list(tx.query(DUE, Db.utc(now), limit), DialJobStore::job);
            // Sessions are locked in one order by every replica, so two claims cannot deadlock.
            new TreeSet<>(due.stream().filter(j -> j.concurrencyLimit() != null).map(DialJob::sessionId).toList())
                    .forEach(session -> tx.get(LOCK_SESSION, session));
            List<DialJob> claimed = new ArrayList<>();
            for (DialJob j : fairOrder(due)) {
                if (j.concurrencyLimit() != null) {
                    // Counted under the session's lock, after any other replica's claim committed; it sees this
                    // transaction's own claims too.
                    long dialing = tx.get(DIALING_IN_GROUP, j.groupId())
                            .map(r -> ((Number) Db.columns(r).get("n")).longValue()).orElse(0L);
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

    /** The claimed jobs interleaved by workspace, so dialing them in turn is fair too. */
    private static List<DialJob> fairOrder(List<DialJob> due) {
        Map<String, java.util.Deque<DialJob>> bySession = new java.util.LinkedHashMap<>();
        due.forEach(j -> bySession.computeIfAbsent(j.sessionId(), k -> new java.util.ArrayDeque<>()).add(j));
        List<DialJob> out = new ArrayList<>(due.size());
        while (out.size() < due.size()) {
            bySession.values().forEach(q -> {
                if (!q.isEmpty()) {
                    out.add(q.poll());
                }
            });
        }
        return out;
    }

    /**
     * A claimed job that was not dialed because its session's hourly calls are spent: pending again
     * at {@code at}, when the window has room, without spending an attempt; so are its session's
     * other due jobs, which would be refused alike until then.
     */
    public void defer(String jobId, String sessionId, Instant at, String result, Instant now) {
        Db.inTransaction(db, tx -> {
            tx.dml(DEFER, Db.utc(at), result, Db.utc(now), jobId);
            tx.dml(DEFER_SESSION, Db.utc(at), Db.utc(now), sessionId, Db.utc(at));
            return null;
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
