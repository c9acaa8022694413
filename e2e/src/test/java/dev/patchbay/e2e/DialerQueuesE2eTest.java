package dev.patchbay.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18 §3 end to end: batch, queued and scheduled calls of the agents' API (seed 003) placed
 * by the job runner through the media-plane to SIPp far ends (sipp/uas_dialer.xml: numbers
 * +14155550100..104 are busy, the rest answer and hang up after -d ms). Batches finish, queues keep
 * their concurrent_limit as counted at the far end, tenants do not starve each other, and the
 * session's hourly limit defers calls instead of failing them.
 */
class DialerQueuesE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCENARIO = Path.of("src/test/resources/sipp/uas_dialer.xml").toAbsolutePath();
    private static Gateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new Gateway(Map.of("patchbay.agents.calls-per-hour", "100", "patchbay.agents.requests-per-hour", "5000"));
        gw.awaitConnected(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** A workspace with a key, a trunk to {@code port} and a funded session; returns {key, session id}. */
    private static String[] tenant(String ws, int port) throws Exception {
        String key = gw.workspaceWithKey(ws, true);
        gw.trunk(ws, port);
        JsonNode session = send("POST", "/api/v1/sessions/create", key, "{\"session_type\":\"guest\",\"user_consent\":"
                + "{\"calling_authorized\":true,\"currency\":\"USD\"}}", 201);
        String sid = session.get("session_id").asText();
        gw.grant(ws, sid, "20.00", "grant-" + ws);
        return new String[] {key, sid};
    }

    private static JsonNode send(String method, String path, String key, String body, int expected) throws Exception {
        var r = gw.http(method, path, key, body, "X-Agent-ID", "dialer-e2e");
        assertEquals(expected, r.statusCode(), method + " " + path + ": " + r.body());
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    private static JsonNode get(String key, String path) {
        try {
            return send("GET", path, key, null, 200);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A far end that takes {@code calls} calls, holding each answered one {@code holdMs}. */
    private static Process farEnd(Path dir, int port, int holdMs, int calls) throws IOException {
        return Sipp.start(dir, List.of("-sf", SCENARIO.toString(), "-i", "127.0.0.1", "-p", Integer.toString(port),
                "-m", Integer.toString(calls), "-d", Integer.toString(holdMs), "-trace_logs"));
    }

    /** The most calls that were up at once at the far end, from its own log. */
    private static int mostAtOnce(Path dir) throws IOException {
        List<long[]> events = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(f -> f.getFileName().toString().endsWith("_logs.log")).toList()) {
                for (String line : Files.readAllLines(log)) {
                    String[] f = line.trim().split(" ");
                    if (f.length >= 2 && (f[0].equals("up") || f[0].equals("down"))) {
                        // At the same tick an arrival counts before a departure: the stricter reading.
                        events.add(new long[] {Long.parseLong(f[1]), f[0].equals("up") ? 0 : 1});
                    }
                }
            }
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int up = 0;
        int most = 0;
        for (long[] e : events) {
            up += e[1] == 0 ? 1 : -1;
            most = Math.max(most, up);
        }
        assertTrue(!events.isEmpty(), "the far end logged its calls");
        return most;
    }

    private static String calls(String number, int count, String extra) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? "" : ",").append("{\"to_number\":\"").append(number.isEmpty()
                    ? String.format("+141555502%02d", i) : number).append("\"").append(extra).append("}");
        }
        return b.append("]").toString();
    }

    @Test
    void aBatchOfThirtyDialsEveryNumberAndFinishes() throws Exception {
        int port = Ports.freeUdpAndTcp();
        String[] t = tenant("ws_batch30", port);
        Path dir = Sipp.workDir();
        // 25 answered once, 5 busy dialed twice (retry_policy max_attempts 2): 35 calls reach the far end.
        Process far = farEnd(dir, port, 800, 35);
        try {
            StringBuilder numbers = new StringBuilder("[");
            for (int i = 0; i < 30; i++) {
                numbers.append(i == 0 ? "" : ",").append("{\"to_number\":\"+1415555").append(String.format("%04d", 100 + i))
                        .append("\",\"metadata\":{\"row\":").append(i).append("}}");
            }
            long started = System.nanoTime();
            JsonNode batch = send("POST", "/api/v1/batch/calls", t[0], "{\"session_id\":\"" + t[1] + "\",\"from_number\":"
                    + "\"+12025551000\",\"calls\":" + numbers.append("]") + ",\"call_settings\":{\"max_duration\":60},"
                    + "\"retry_policy\":{\"max_attempts\":2,\"retry_interval\":1}}", 202);
            String id = batch.get("batch_id").asText();
            assertEquals(30, batch.get("total_calls").asInt());
            Await.until(() -> "completed".equals(get(t[0], "/api/v1/batch/" + id).path("status").asText()),
                    Duration.ofSeconds(60), "every call of the batch is over");
            double seconds = (System.nanoTime() - started) / 1e9;
            JsonNode done = get(t[0], "/api/v1/batch/" + id);
            assertEquals(25, done.get("counts").get("completed").asInt(), done.toString());
            assertEquals(5, done.get("counts").get("failed").asInt(), done.toString());
            for (JsonNode c : done.get("calls")) {
                boolean busy = c.get("to_number").asText().matches("\\+1415555010[0-4]");
                assertEquals(busy ? "failed" : "completed", c.get("status").asText(), c.toString());
                assertEquals(busy ? 2 : 1, c.get("attempts").asInt(), c.toString());
                assertTrue(c.get("last_result").asText().startsWith(busy ? "busy 486" : "completed"), c.toString());
                assertTrue(!c.get("call_id").isNull(), c.toString());
            }
            Sipp.Result sipp = Sipp.await(far, dir);
            assertEquals(0, sipp.exitCode(), "the far end took exactly 35 calls, each as scripted: " + sipp.output());
            assertEquals("30", gw.sqlValue("SELECT COUNT(DISTINCT c.to_number) FROM calls c JOIN agent_calls a ON a.call_id"
                    + " = c.id WHERE a.session_id = '" + t[1] + "'"), "every number was dialed");
            assertEquals("35", gw.sqlValue("SELECT COUNT(*) FROM agent_calls WHERE session_id = '" + t[1] + "'"));
            System.out.printf("batch of 30: finished in %.1f s%n", seconds);
        } finally {
            far.destroy();
        }
    }

    @Test
    void aQueueKeepsItsConcurrentLimitAtTheFarEndAndHonoursWaitAndRetry() throws Exception {
        int port = Ports.freeUdpAndTcp();
        String[] t = tenant("ws_queue2", port);
        Path dir = Sipp.workDir();
        // Six answered calls, and a busy number dialed twice: eight calls at the far end.
        Process far = farEnd(dir, port, 1000, 8);
        try {
            String entries = calls("", 6, ",\"priority\":1");
            entries = entries.substring(0, entries.length() - 1) + ",{\"to_number\":\"+14155550100\",\"priority\":1}"
                    // Lowest priority with a 1 s wait: six 1 s calls on two lines come first, so it can only expire.
                    + ",{\"to_number\":\"+14155550299\",\"priority\":10,\"max_wait_time\":1}]";
            JsonNode queue = send("POST", "/api/v1/queue/add", t[0], "{\"session_id\":\"" + t[1] + "\",\"from_number\":"
                    + "\"+12025551000\",\"calls\":" + entries + ",\"call_settings\":{\"max_duration\":60},"
                    + "\"queue_settings\":{\"concurrent_limit\":2,\"retry_failed\":true},"
                    + "\"retry_policy\":{\"max_attempts\":2,\"retry_interval\":1}}", 202);
            String id = queue.get("queue_id").asText();
            Await.until(() -> "completed".equals(get(t[0], "/api/v1/queue/" + id).path("status").asText()),
                    Duration.ofSeconds(60), "every call of the queue is over");
            Sipp.Result sipp = Sipp.await(far, dir);
            assertEquals(0, sipp.exitCode(), "the far end took exactly 8 calls: " + sipp.output());
            assertEquals(2, mostAtOnce(dir), "two lines used, never more, as counted at the far end");
            assertTrue(Integer.parseInt(gw.sqlValue("SELECT MAX(n) FROM (SELECT (SELECT COUNT(*) FROM calls o WHERE"
                    + " o.workspace_id = c.workspace_id AND o.created_at <= c.created_at AND o.ended_at > c.created_at) AS n"
                    + " FROM calls c WHERE c.workspace_id = 'ws_queue2') m")) <= 2, "and in the call records");
            JsonNode done = get(t[0], "/api/v1/queue/" + id);
            assertEquals(6, done.get("counts").get("completed").asInt(), done.toString());
            for (JsonNode c : done.get("calls")) {
                switch (c.get("to_number").asText()) {
                    case "+14155550100" -> {
                        assertEquals("failed", c.get("status").asText(), "retry_failed dialed it twice: " + c);
                        assertEquals(2, c.get("attempts").asInt(), c.toString());
                    }
                    case "+14155550299" -> {
                        assertEquals("expired", c.get("status").asText(), c.toString());
                        assertEquals(0, c.get("attempts").asInt(), "never dialed: " + c);
                    }
                    default -> assertEquals("completed", c.get("status").asText(), c.toString());
                }
            }
        } finally {
            far.destroy();
        }
    }

    @Test
    void anotherTenantsCallsRunWhileOneTenantsQueueIsSaturated() throws Exception {
        int portA = Ports.freeUdpAndTcp();
        String[] a = tenant("ws_flood", portA);
        Path dirA = Sipp.workDir();
        // Tenant A's far end answers and holds until Patchbay hangs up: its two lines stay busy.
        Process farA = Sipp.start(dirA, List.of("-sn", "uas", "-i", "127.0.0.1", "-p", Integer.toString(portA), "-m", "2"));
        int portB = Ports.freeUdpAndTcp();
        String[] b = tenant("ws_quiet", portB);
        Path dirB = Sipp.workDir();
        Process farB = farEnd(dirB, portB, 300, 2);
        try {
            // 25 priority-1 calls on two lines: 23 wait, more than a whole pick of 20.
            JsonNode queue = send("POST", "/api/v1/queue/add", a[0], "{\"session_id\":\"" + a[1] + "\",\"from_number\":"
                    + "\"+12025551000\",\"calls\":" + calls("", 25, ",\"priority\":1") + ",\"call_settings\":"
                    + "{\"max_duration\":60},\"queue_settings\":{\"concurrent_limit\":2}}", 202);
            String qa = queue.get("queue_id").asText();
            Await.until(() -> "2".equals(gw.sqlValue("SELECT COUNT(*) FROM agent_calls WHERE session_id = '" + a[1] + "'")),
                    Duration.ofSeconds(20), "tenant A's queue fills its two lines");

            long started = System.nanoTime();
            JsonNode batch = send("POST", "/api/v1/batch/calls", b[0], "{\"session_id\":\"" + b[1] + "\",\"from_number\":"
                    + "\"+12025551000\",\"calls\":[{\"to_number\":\"+14155550300\"}],\"call_settings\":{\"max_duration\":60}}",
                    202);
            JsonNode scheduled = send("POST", "/api/v1/scheduled-calls", b[0], "{\"session_id\":\"" + b[1] + "\",\"from_number\":"
                    + "\"+12025551000\",\"to_number\":\"+14155550301\",\"scheduled_time\":\"" + java.time.Instant.now()
                    + "\"}", 201);
            String batchId = batch.get("batch_id").asText();
            String schedId = scheduled.get("scheduled_call_id").asText();
            Await.until(() -> "completed".equals(get(b[0], "/api/v1/batch/" + batchId).path("status").asText())
                    && "completed".equals(get(b[0], "/api/v1/scheduled-calls/" + schedId).path("status").asText()),
                    Duration.ofSeconds(30), "tenant B's batch and scheduled calls complete");
            double seconds = (System.nanoTime() - started) / 1e9;
            assertEquals(0, Sipp.await(farB, dirB).exitCode(), "B's far end took both calls");

            JsonNode stillA = get(a[0], "/api/v1/queue/" + qa);
            assertEquals(2, stillA.get("counts").get("dialing").asInt(), "A's lines were busy all along: " + stillA);
            assertEquals(23, stillA.get("counts").get("pending").asInt(), stillA.toString());
            System.out.printf("tenant B's calls completed %.1f s after they were posted, beside A's full queue%n", seconds);

            // Tenant A ends its session, which cancels its waiting calls, then hangs up its two live ones.
            send("DELETE", "/api/v1/sessions/" + a[1], a[0], null, 200);
            for (JsonNode c : stillA.get("calls")) {
                if (!c.get("call_id").isNull()) {
                    assertEquals(202, gw.http("POST", "/v1/calls/" + c.get("call_id").asText() + "/hangup", a[0], "{}")
                            .statusCode());
                }
            }
            assertEquals(0, Sipp.await(farA, dirA).exitCode(), "A's far end got two calls and their BYEs");
        } finally {
            farA.destroy();
            farB.destroy();
        }
    }

    @Test
    void aBatchOverTheSessionsHourlyLimitWaitsForTheNextWindowInsteadOfFailing() throws Exception {
        int port = Ports.freeUdpAndTcp();
        String[] t = tenant("ws_hourly", port);
        gw.sql("UPDATE agent_sessions SET calls_per_hour = 3 WHERE id = '" + t[1] + "'");
        Path dir = Sipp.workDir();
        Process far = farEnd(dir, port, 300, 5);
        try {
            JsonNode batch = send("POST", "/api/v1/batch/calls", t[0], "{\"session_id\":\"" + t[1] + "\",\"from_number\":"
                    + "\"+12025551000\",\"calls\":" + calls("", 5, "") + ",\"call_settings\":{\"max_duration\":60}}", 202);
            String id = batch.get("batch_id").asText();
            Await.until(() -> get(t[0], "/api/v1/batch/" + id).path("counts").path("completed").asInt() == 3
                    && get(t[0], "/api/v1/batch/" + id).path("counts").path("pending").asInt() == 2, Duration.ofSeconds(30),
                    "three calls, the hour's limit, complete and two wait");
            JsonNode waiting = get(t[0], "/api/v1/batch/" + id);
            assertEquals("processing", waiting.get("status").asText(), waiting.toString());
            for (JsonNode c : waiting.get("calls")) {
                if (c.get("status").asText().equals("pending")) {
                    assertEquals(0, c.get("attempts").asInt(), "a call the hourly limit held back spent no attempt: " + c);
                    assertTrue(c.get("last_result").asText().startsWith("deferred"), c.toString());
                }
            }
            // They wait for the window to have room: an hour after the first calls, not a fixed minute.
            long wait = Long.parseLong(gw.sqlValue("SELECT CAST(EXTRACT(EPOCH FROM MIN(run_at) - CURRENT_TIMESTAMP) AS BIGINT)"
                    + " FROM dial_jobs WHERE group_id = '" + id + "' AND state = 'pending'"));
            assertTrue(wait > 3000 && wait <= 3602, "deferred to the next window: " + wait + " s");

            // The hour passes: the window's calls age out and the deferred calls come due.
            gw.sql("UPDATE agent_calls SET created_at = created_at - INTERVAL '61 minutes' WHERE session_id = '" + t[1] + "'",
                    "UPDATE dial_jobs SET run_at = CURRENT_TIMESTAMP WHERE group_id = '" + id + "' AND state = 'pending'");
            Await.until(() -> "completed".equals(get(t[0], "/api/v1/batch/" + id).path("status").asText()),
                    Duration.ofSeconds(30), "the deferred calls are dialed in the next window");
            assertEquals(5, get(t[0], "/api/v1/batch/" + id).get("counts").get("completed").asInt());
            assertEquals(0, Sipp.await(far, dir).exitCode(), "the far end took all five calls");
        } finally {
            far.destroy();
        }
    }
}
