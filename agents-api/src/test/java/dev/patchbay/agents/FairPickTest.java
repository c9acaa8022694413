package dev.patchbay.agents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.patchbay.agents.jobs.DialJob;
import dev.patchbay.agents.jobs.DialJobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fair pick of issue 18 on the real PostgreSQL: one tenant's saturated queues cannot take the
 * places of another tenant's calls, workspaces and then their queues take turns, and replicas
 * racing to claim never dial more than a queue's concurrent_limit between them; waits expire, the
 * hourly limit defers without spending attempts, and retries keep to retry_policy and max_wait_time.
 */
class FairPickTest {

    private static final Instant T0 = Instant.parse("2026-02-05T12:00:00Z");
    private static AgentsRig rig;
    private static DialJobStore jobs;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
        jobs = new DialJobStore(rig.client);
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    @AfterEach
    void clear() throws Exception {
        // Each test starts from an empty table, so one test's leftovers cannot take another's places.
        rig.sql("DELETE FROM dial_jobs");
    }

    private static DialJob job(String session, String id, DialJob.Kind kind, String group, int priority, Integer limit,
                               Instant runAt, Instant giveUp) {
        return new DialJob(id, session, kind, group, "+14155551234", "{}", priority, limit, null, 1, 60, 0,
                DialJob.State.PENDING, runAt, giveUp, null, null, T0);
    }

    private static String sessionIn(String key, String agent) throws Exception {
        AgentsRig.Answer a = rig.call("POST", "/api/v1/sessions/create", key, agent,
                "{\"session_type\":\"guest\",\"user_consent\":{\"calling_authorized\":true,\"currency\":\"USD\"}}");
        assertEquals(201, a.status(), a.body().toString());
        return a.body().get("session_id").asText();
    }

    private static List<String> ids(List<DialJob> claimed) {
        return claimed.stream().map(DialJob::id).toList();
    }

    @Test
    void aSaturatedQueueOfOneTenantLeavesTheBatchToOthers() throws Exception {
        String a = sessionIn(AgentsRig.KEY_A, "flood");
        String b = sessionIn(AgentsRig.KEY_B, "quiet");
        List<DialJob> list = new ArrayList<>();
        // Tenant A: 25 queues of limit 1, each already dialing one call, each with a priority-1 job waiting.
        for (int q = 0; q < 25; q++) {
            list.add(job(a, "busy_" + q, DialJob.Kind.QUEUED, "queue_a" + q, 1, 1, T0.minusSeconds(60), null));
            list.add(job(a, "wait_" + q, DialJob.Kind.QUEUED, "queue_a" + q, 1, 1, T0.minusSeconds(30), null));
        }
        list.add(job(b, "b_batch", DialJob.Kind.BATCH, "batch_b", 5, null, T0, null));
        list.add(job(b, "b_sched", DialJob.Kind.SCHEDULED, null, 5, null, T0, null));
        jobs.insert(list);
        for (int q = 0; q < 25; q++) {
            rig.sql("UPDATE dial_jobs SET state = 'dialing', attempts = 1 WHERE id = 'busy_" + q + "'");
        }
        List<String> claimed = ids(jobs.claim("r1", T0, T0.plusSeconds(30), 20));
        assertEquals(List.of("b_batch", "b_sched"), claimed.stream().sorted().toList(),
                "the other tenant's batch and scheduled calls run; none of the full queues' jobs took a place");
        assertEquals(25, rig.count("SELECT COUNT(*) FROM dial_jobs WHERE id LIKE 'wait_%' AND state = 'pending'"));
    }

    @Test
    void workspacesThenTheirQueuesTakeTurns() throws Exception {
        String a = sessionIn(AgentsRig.KEY_A, "big");
        String b = sessionIn(AgentsRig.KEY_B, "small");
        List<DialJob> list = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // Tenant A's older, higher-priority work: a batch and a queue of 15 each.
            list.add(job(a, String.format("a_batch_%02d", i), DialJob.Kind.BATCH, "batch_a", 1, null, T0.minusSeconds(600), null));
            list.add(job(a, String.format("a_queue_%02d", i), DialJob.Kind.QUEUED, "queue_a", 1, 50, T0.minusSeconds(600),
                    null));
        }
        for (int i = 0; i < 3; i++) {
            list.add(job(b, "b_batch_" + i, DialJob.Kind.BATCH, "batch_b", 9, null, T0, null));
        }
        jobs.insert(list);
        List<String> claimed = ids(jobs.claim("r1", T0, T0.plusSeconds(30), 8));
        assertEquals(8, claimed.size(), claimed.toString());
        assertEquals(3, claimed.stream().filter(id -> id.startsWith("b_")).count(), "B's three run beside A's work: " + claimed);
        // Round 1: A's first of each lane and B's first; then A's seconds and B's second; and so on.
        assertEquals(List.of("a_batch_00", "a_batch_01", "a_batch_02", "a_queue_00", "a_queue_01"),
                claimed.stream().filter(id -> id.startsWith("a_")).sorted().toList(), "A's lanes alternate");
    }

    @Test
    void racingReplicasNeverDialMoreThanAQueuesLimit() throws Exception {
        String a = sessionIn(AgentsRig.KEY_A, "racer-a");
        String b = sessionIn(AgentsRig.KEY_B, "racer-b");
        List<DialJob> list = new ArrayList<>();
        for (int q = 0; q < 4; q++) {
            String session = q % 2 == 0 ? a : b;
            for (int i = 0; i < 12; i++) {
                list.add(job(session, "race_" + q + "_" + i, DialJob.Kind.QUEUED, "queue_race_" + q, 1 + i % 3, 3,
                        T0.minusSeconds(i), null));
            }
        }
        jobs.insert(list);
        int replicas = 4;
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            String owner = "replica-" + r;
            runs.add(pool.submit((Callable<Integer>) () -> {
                go.await();
                int n = 0;
                // Nothing ends, so after the first lines fill every further claim must come back empty.
                for (int round = 0; round < 10; round++) {
                    n += jobs.claim(owner, T0, T0.plusSeconds(30), 5).size();
                }
                return n;
            }));
        }
        go.countDown();
        int total = 0;
        for (Future<Integer> f : runs) {
            total += f.get();
        }
        pool.shutdown();
        assertEquals(12, total, "four queues of three lines");
        for (int q = 0; q < 4; q++) {
            assertEquals(3, rig.count("SELECT COUNT(*) FROM dial_jobs WHERE group_id = 'queue_race_" + q
                    + "' AND state = 'dialing'"), "queue " + q + " dials exactly its limit");
            assertEquals(0, rig.count("SELECT COUNT(*) FROM dial_jobs WHERE group_id = 'queue_race_" + q
                    + "' AND state = 'dialing' AND priority <> 1"), "queue " + q + " dials its priority-1 calls first");
        }
    }

    @Test
    void aWaitingCallExpiresWhileItsQueueIsFull() throws Exception {
        String a = sessionIn(AgentsRig.KEY_A, "expiry");
        jobs.insert(List.of(job(a, "full_1", DialJob.Kind.QUEUED, "queue_full", 1, 1, T0, null),
                job(a, "full_2", DialJob.Kind.QUEUED, "queue_full", 2, 1, T0, T0.plusSeconds(300))));
        assertEquals(List.of("full_1"), ids(jobs.claim("r1", T0, T0.plusSeconds(600), 10)));
        assertEquals(List.of(), ids(jobs.claim("r1", T0.plusSeconds(299), T0.plusSeconds(600), 10)));
        assertEquals(List.of(), ids(jobs.claim("r1", T0.plusSeconds(301), T0.plusSeconds(600), 10)));
        DialJob late = jobs.find("full_2").orElseThrow();
        assertEquals(DialJob.State.EXPIRED, late.state());
        assertEquals("waited longer than max_wait_time", late.lastResult());
    }

    @Test
    void aCallOverTheHourlyLimitWaitsForTheWindowWithoutSpendingAnAttempt() throws Exception {
        String a = sessionIn(AgentsRig.KEY_A, "hourly");
        List<DialJob> list = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            list.add(job(a, "hour_" + i, DialJob.Kind.BATCH, "batch_hour", 5, null, T0, null));
        }
        jobs.insert(list);
        List<DialJob> claimed = jobs.claim("r1", T0, T0.plusSeconds(30), 1);
        assertEquals(1, claimed.size());
        Instant reopens = T0.plusSeconds(1800);
        jobs.defer(claimed.get(0).id(), a, reopens, "deferred 1800 s: hourly limit", T0);
        DialJob deferred = jobs.find(claimed.get(0).id()).orElseThrow();
        assertEquals(DialJob.State.PENDING, deferred.state());
        assertEquals(0, deferred.attempts(), "a refusal by the hourly limit is not an attempt");
        assertEquals(reopens, deferred.runAt());
        assertEquals(3, rig.count("SELECT COUNT(*) FROM dial_jobs WHERE group_id = 'batch_hour' AND run_at = TIMESTAMP WITH"
                + " TIME ZONE '2026-02-05 12:30:00+00'"), "the session's other calls wait for the window too");
        assertEquals(List.of(), ids(jobs.claim("r1", reopens.minusSeconds(1), reopens, 10)));
        assertEquals(3, jobs.claim("r1", reopens, reopens.plusSeconds(30), 10).size(), "all run once it reopens");
    }

    @Test
    void aFailedCallIsRetriedByItsPolicyButNeverPastItsMaxWaitTime() throws Exception {
        String a = sessionIn(AgentsRig.KEY_A, "retries");
        // Two attempts 10 s apart; the first queued call may wait 60 s, the second only 5 s.
        jobs.insert(List.of(
                new DialJob("retry_ok", a, DialJob.Kind.QUEUED, "queue_retry", "+14155551234", "{}", 1, 5, null, 2, 10, 0,
                        DialJob.State.PENDING, T0, T0.plusSeconds(60), null, null, T0),
                new DialJob("retry_late", a, DialJob.Kind.QUEUED, "queue_retry", "+14155551235", "{}", 1, 5, null, 2, 10, 0,
                        DialJob.State.PENDING, T0, T0.plusSeconds(5), null, null, T0)));
        assertEquals(2, jobs.claim("r1", T0, T0.plusSeconds(30), 10).size());
        rig.sql("UPDATE dial_jobs SET call_id = 'call_' || id WHERE group_id = 'queue_retry'");
        var runner = new dev.patchbay.agents.jobs.JobRunner(jobs, null, null, "r1",
                java.time.Clock.fixed(T0.plusSeconds(2), java.time.ZoneOffset.UTC));
        for (String id : List.of("retry_ok", "retry_late")) {
            runner.ended(new dev.patchbay.control.model.CallRecord("call_" + id, "ws_a", null,
                    dev.patchbay.control.model.CallRecord.Direction.OUTBOUND, dev.patchbay.control.model.CallStatus.BUSY,
                    null, null, null, null, null, null, null, null, 486, null, null, T0, null, T0.plusSeconds(2)), null);
        }
        DialJob again = jobs.find("retry_ok").orElseThrow();
        assertEquals(DialJob.State.PENDING, again.state(), "busy: retried by retry_policy");
        assertEquals(T0.plusSeconds(12), again.runAt(), "retry_interval after the attempt ended");
        assertEquals("busy 486", again.lastResult());
        DialJob late = jobs.find("retry_late").orElseThrow();
        assertEquals(DialJob.State.FAILED, late.state(), "its retry would start after max_wait_time");
        assertTrue(late.lastResult().startsWith("busy 486; not retried"), late.lastResult());

        assertEquals(List.of("retry_ok"), ids(jobs.claim("r1", T0.plusSeconds(12), T0.plusSeconds(42), 10)));
        rig.sql("UPDATE dial_jobs SET call_id = 'call_retry_ok_2' WHERE id = 'retry_ok'");
        runner.ended(new dev.patchbay.control.model.CallRecord("call_retry_ok_2", "ws_a", null,
                dev.patchbay.control.model.CallRecord.Direction.OUTBOUND, dev.patchbay.control.model.CallStatus.NO_ANSWER,
                null, null, null, null, null, null, null, null, 480, null, null, T0, null, T0.plusSeconds(40)), null);
        DialJob spent = jobs.find("retry_ok").orElseThrow();
        assertEquals(DialJob.State.FAILED, spent.state(), "max_attempts spent");
        assertEquals(2, spent.attempts());
    }
}
