package dev.patchbay.agents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.patchbay.agents.jobs.DialJob;
import dev.patchbay.agents.jobs.DialJobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dial jobs on the real PostgreSQL: replicas racing to claim never take a job twice, a queue
 * keeps its concurrency limit and priority order, waits expire, and a lapsed claim is freed.
 */
class DialJobStoreTest {

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

    private static DialJob job(String session, String id, String group, int priority, Integer limit, Instant giveUp) {
        return new DialJob(id, session, group == null ? DialJob.Kind.BATCH : DialJob.Kind.QUEUED, group, "+14155551234",
                "{}", priority, limit, null, 1, 60, 0, DialJob.State.PENDING, T0, giveUp, null, null, T0);
    }

    @Test
    void racingReplicasClaimEachJobOnce() throws Exception {
        String session = rig.session("agent-race").get("session_id").asText();
        List<DialJob> list = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            list.add(job(session, "job_race_" + i, null, 5, null, null));
        }
        jobs.insert(list);
        int replicas = 4;
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<String>>> claims = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            String owner = "replica-" + r;
            claims.add(pool.submit((Callable<List<String>>) () -> {
                go.await();
                List<String> mine = new ArrayList<>();
                List<DialJob> got;
                do {
                    got = jobs.claim(owner, T0, T0.plusSeconds(30), 7);
                    got.forEach(j -> mine.add(j.id()));
                } while (!got.isEmpty());
                return mine;
            }));
        }
        go.countDown();
        Set<String> all = new HashSet<>();
        int total = 0;
        for (Future<List<String>> f : claims) {
            List<String> mine = f.get();
            total += mine.size();
            all.addAll(mine);
        }
        pool.shutdown();
        assertEquals(60, total, "every job claimed once in all");
        assertEquals(60, all.size(), "no job claimed twice");
        assertEquals(60, rig.count("SELECT COUNT(*) FROM dial_jobs WHERE id LIKE 'job_race_%' AND state = 'dialing'"
                + " AND attempts = 1"));
    }

    @Test
    void aQueueKeepsItsLimitAndPriorityAndItsWaitsExpire() throws Exception {
        String session = rig.session("agent-queue").get("session_id").asText();
        jobs.insert(List.of(job(session, "q_low", "queue_1", 9, 2, null), job(session, "q_high", "queue_1", 1, 2, null),
                job(session, "q_mid", "queue_1", 5, 2, null), job(session, "q_late", "queue_1", 1, 2, T0.minusSeconds(1))));
        List<String> first = jobs.claim("r1", T0, T0.plusSeconds(30), 10).stream().map(DialJob::id)
                .filter(id -> id.startsWith("q_")).toList();
        assertEquals(List.of("q_high", "q_mid"), first, "two at most, highest priority first");
        assertEquals("expired", state("q_late"), "its max_wait_time passed before a line was free");
        assertTrue(jobs.claim("r1", T0, T0.plusSeconds(30), 10).stream().noneMatch(j -> j.id().startsWith("q_")),
                "the queue is full while two calls dial");
        rig.sql("UPDATE dial_jobs SET state = 'completed' WHERE id = 'q_high'");
        assertEquals(List.of("q_low"), jobs.claim("r1", T0, T0.plusSeconds(30), 10).stream().map(DialJob::id)
                .filter(id -> id.startsWith("q_")).toList());
    }

    @Test
    void aClaimWhoseReplicaDiedIsFreedWhenItsLeaseLapses() throws Exception {
        String session = rig.session("agent-lapse").get("session_id").asText();
        jobs.insert(List.of(job(session, "lapse_1", null, 5, null, null)));
        assertTrue(jobs.claim("dead", T0, T0.plusSeconds(30), 50).stream().anyMatch(j -> j.id().equals("lapse_1")));
        assertTrue(jobs.claim("alive", T0.plusSeconds(10), T0.plusSeconds(40), 50).stream()
                .noneMatch(j -> j.id().equals("lapse_1")), "within the lease nobody else takes it");
        assertTrue(jobs.claim("alive", T0.plusSeconds(31), T0.plusSeconds(61), 50).stream()
                .anyMatch(j -> j.id().equals("lapse_1")), "after the lease another replica does");
        assertEquals(1, rig.count("SELECT attempts FROM dial_jobs WHERE id = 'lapse_1'"),
                "an attempt that never dialed does not count");
    }

    private static String state(String id) throws Exception {
        return jobs.find(id).orElseThrow().state().name().toLowerCase(java.util.Locale.ROOT);
    }
}
