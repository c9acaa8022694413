package dev.patchbay.agents;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retry settings of batch and queued calls (seed 003 §11, §13) as stored for the job runner,
 * over HTTP on PostgreSQL. The runner is not started here, so the jobs stay as they were stored.
 */
class JobsApiTest {

    private static AgentsRig rig;
    private static String session;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
        session = rig.session("jobs-api").get("session_id").asText();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static AgentsRig.Answer post(String path, String rest) throws Exception {
        return rig.call("POST", "/api/v1" + path, AgentsRig.KEY_A, "jobs-api", "{\"session_id\":\"" + session
                + "\",\"from_number\":\"+12025551000\",\"calls\":[{\"to_number\":\"+14155551234\"},"
                + "{\"to_number\":\"+14155551235\"}]" + rest + "}");
    }

    private static String stored(String group) throws Exception {
        return rig.one("SELECT MIN(max_attempts) || '/' || MAX(max_attempts) || '/' || MIN(retry_interval_s) FROM dial_jobs"
                + " WHERE group_id = '" + group + "'");
    }

    @Test
    void aBatchTakesTheSeedsRetryPolicyAndDialsOnceWithout() throws Exception {
        AgentsRig.Answer plain = post("/batch/calls", "");
        assertEquals(202, plain.status(), plain.body().toString());
        assertEquals("1/1/300", stored(plain.body().get("batch_id").asText()), "one attempt unless asked");

        AgentsRig.Answer retried = post("/batch/calls", ",\"retry_policy\":{\"max_attempts\":3,\"retry_interval\":120}");
        assertEquals(202, retried.status(), retried.body().toString());
        String id = retried.body().get("batch_id").asText();
        assertEquals("3/3/120", stored(id));

        AgentsRig.Answer read = rig.call("GET", "/api/v1/batch/" + id, AgentsRig.KEY_A, "jobs-api", null);
        assertEquals("processing", read.body().get("status").asText());
        assertEquals(2, read.body().get("counts").get("pending").asInt(), read.body().toString());
        assertEquals(0, read.body().get("counts").get("completed").asInt());

        AgentsRig.Answer bad = post("/batch/calls", ",\"retry_policy\":{\"max_attempts\":0,\"retry_interval\":0}");
        assertEquals(422, bad.status(), bad.body().toString());
        String errors = bad.body().toString();
        assertTrue(errors.contains("retry_policy.max_attempts") && errors.contains("retry_policy.retry_interval"), errors);
    }

    @Test
    void aQueueRetriesOnlyWhenRetryFailedIsTrue() throws Exception {
        AgentsRig.Answer retried = post("/queue/add", ",\"queue_settings\":{\"concurrent_limit\":2,\"retry_failed\":true}");
        assertEquals(202, retried.status(), retried.body().toString());
        assertEquals("3/3/60", stored(retried.body().get("queue_id").asText()), "a dialer's usual redial: 3 tries a minute apart");

        AgentsRig.Answer tuned = post("/queue/add", ",\"queue_settings\":{\"retry_failed\":true},"
                + "\"retry_policy\":{\"max_attempts\":2,\"retry_interval\":30}");
        assertEquals("2/2/30", stored(tuned.body().get("queue_id").asText()));

        AgentsRig.Answer once = post("/queue/add", ",\"queue_settings\":{\"retry_failed\":false},"
                + "\"retry_policy\":{\"max_attempts\":5,\"retry_interval\":30}");
        assertEquals("1/1/30", stored(once.body().get("queue_id").asText()), "retry_failed false: dialed once");
    }

    @Test
    void aScheduledCallIsReadAndCanceledOnlyWhilePending() throws Exception {
        AgentsRig.Answer made = rig.call("POST", "/api/v1/scheduled-calls", AgentsRig.KEY_A, "jobs-api", "{\"session_id\":\""
                + session + "\",\"from_number\":\"+12025551000\",\"to_number\":\"+14155551236\","
                + "\"scheduled_time\":\"2026-02-06T09:00:00\",\"timezone\":\"America/New_York\"}");
        assertEquals(201, made.status(), made.body().toString());
        String path = "/api/v1/scheduled-calls/" + made.body().get("scheduled_call_id").asText();
        AgentsRig.Answer read = rig.call("GET", path, AgentsRig.KEY_A, "jobs-api", null);
        assertEquals("scheduled", read.body().get("status").asText());
        assertEquals("2026-02-06T14:00:00Z", read.body().get("scheduled_time").asText(), "09:00 in New York");
        assertEquals(404, rig.call("GET", path, AgentsRig.KEY_B, "jobs-api", null).status(), "another workspace's");
        AgentsRig.Answer canceled = rig.call("DELETE", path, AgentsRig.KEY_A, "jobs-api", null);
        assertEquals(200, canceled.status(), canceled.body().toString());
        assertEquals("canceled", canceled.body().get("status").asText());
        AgentsRig.Answer again = rig.call("DELETE", path, AgentsRig.KEY_A, "jobs-api", null);
        assertEquals(409, again.status(), again.body().toString());
        assertEquals("id", again.body().get("errors").get(0).get("field").asText());
    }
}
