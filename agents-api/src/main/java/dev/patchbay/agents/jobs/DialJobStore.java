package dev.patchbay.agents.jobs;

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

    /*
     * Fair pick (issue 18): round-robin over workspaces, and within one over its lanes (a queue or
     * batch, or a session's scheduled calls), highest priority (1) then oldest first within a lane.
     * A limited queue offers only its free lines (concurrency_limit less the calls it dials), so jobs
     * that could not be placed never take a place in the batch and starve nobody. Ranking needs
     * window functions, which FOR UPDATE does not allow, so the ranked ids are locked by an outer
     * select: SKIP LOCKED lets replicas pick at once, and claim() re-counts limited queues under
     * their session's lock, so two replicas never dial more than a queue's limit between them.
     */

    private final DbClient db;

    public DialJobStore(DbClient db) {
        this.db = db;
    }

    /** Stores jobs all together or not at all. */
    public void insert(List<DialJob> jobs) {
        Db.inTransaction(db, tx -> {
            for (DialJob j : jobs) {
                tx.namedInsert("dial-job-store-insert", j.id(), j.sessionId(), DialJob.wire(j.kind()), j.groupId(), j.toNumber(), j.request(),
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
            tx.namedDml("dial-job-store-release-lapsed", Db.utc(now), Db.utc(now));
            tx.namedDml("dial-job-store-expire-overdue", Db.utc(now), Db.utc(now));
            List<DialJob> due = Db.list(tx.namedQuery("dial-job-store-due", Db.utc(now), limit), DialJobStore::job);
            // Sessions are locked in one order by every replica, so two claims cannot deadlock.
            new TreeSet<>(due.stream().filter(j -> j.concurrencyLimit() != null).map(DialJob::sessionId).toList())
                    .forEach(session -> tx.namedGet("dial-job-store-lock-session", session));
            List<DialJob> claimed = new ArrayList<>();
            for (DialJob j : fairOrder(due)) {
                if (j.concurrencyLimit() != null) {
                    // Counted under the session's lock, after any other replica's claim committed; it sees this
                    // transaction's own claims too.
                    long dialing = tx.namedGet("dial-job-store-dialing-in-group", j.groupId())
                            .map(r -> ((Number) Db.columns(r).get("n")).longValue()).orElse(0L);
                    if (dialing >= j.concurrencyLimit()) {
                        continue;
                    }
                }
                if (tx.namedDml("dial-job-store-claim", owner, Db.utc(leaseUntil), Db.utc(now), j.id()) == 1) {
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
            tx.namedDml("dial-job-store-defer", Db.utc(at), result, Db.utc(now), jobId);
            tx.namedDml("dial-job-store-defer-session", Db.utc(at), Db.utc(now), sessionId, Db.utc(at));
            return null;
        });
    }

    /** Run inside the transaction that records the job's call. */
    public void linkCall(DbExecute tx, String jobId, String callId, Instant now) {
        tx.namedDml("dial-job-store-link-call", callId, Db.utc(now), jobId);
    }

    /** Ends an attempt: done, failed for good, or pending again at {@code retryAt}. */
    public boolean settle(String jobId, DialJob.State state, Instant retryAt, String result, Instant now) {
        return db.execute().namedDml("dial-job-store-settle", DialJob.wire(state), Db.utc(retryAt), result, Db.utc(now), jobId) > 0;
    }

    public Optional<DialJob> find(String id) {
        return db.execute().namedGet("dial-job-store-by-id", id).map(DialJobStore::job);
    }

    public Optional<DialJob> byCall(String callId) {
        return db.execute().namedGet("dial-job-store-by-call", callId).map(DialJobStore::job);
    }

    public List<DialJob> group(String groupId) {
        return Db.list(db.execute().namedQuery("dial-job-store-by-group", groupId), DialJobStore::job);
    }

    public boolean cancel(String id, Instant now) {
        return db.execute().namedDml("dial-job-store-cancel", Db.utc(now), id) > 0;
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
