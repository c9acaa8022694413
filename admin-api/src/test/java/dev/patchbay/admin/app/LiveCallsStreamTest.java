package dev.patchbay.admin.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.Calls;
import dev.patchbay.admin.testing.SseClient;
import dev.patchbay.admin.testing.StandInNode;
import dev.patchbay.admin.testing.TestApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /v1/live-calls/stream} over a real socket, against the real PostgreSQL and stand-in gRPC nodes
 * (a media-plane is not a dependency of this module; ConsoleLiveCallE2eTest streams a real one's call): the
 * SSE framing, the scope of each key, the media figures from the node holding each call, and a stalled node
 * that costs its own calls their figures but never holds the stream back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveCallsStreamTest {

    /** Snapshots every 300 ms and a 250 ms round: the bounds below are many intervals, for a loaded box. */
    private static final Duration WAIT = Duration.ofSeconds(5);

    private TestApi api;
    private StandInNode node;
    private StandInNode stalled;
    private String wsA;
    private String wsB;
    private String liveA;
    private String liveB;
    private String onStalled;
    private String keyA;

    @BeforeAll
    void start() {
        api = TestApi.start(Map.of("patchbay.admin.live.interval", "PT0.3S", "patchbay.admin.live.stats-deadline", "PT0.25S"));
        node = new StandInNode(null);
        stalled = new StandInNode(null);
        stalled.statsStalled.set(true);
        wsA = api.client().post("/v1/workspaces", "{\"name\":\"A\"}").json().path("id").asText();
        wsB = api.client().post("/v1/workspaces", "{\"name\":\"B\"}").json().path("id").asText();
        liveA = onNode(Calls.insert(api.db(), wsA, "bot_a", "live", "+442079460099", "+15550100"), node);
        liveB = onNode(Calls.insert(api.db(), wsB, "bot_b", "live", "+33142685300", "+15550200"), node);
        onStalled = onNode(Calls.insert(api.db(), wsB, "bot_b", "live", "+34911234567", "+15550200"), stalled);
        Calls.insert(api.db(), wsA, "bot_a", "ended", "+442079460001", "+15550100");
        keyA = api.client().post("/v1/workspaces/" + wsA + "/admin-keys", "{\"name\":\"ops\"}").json().path("key").asText();
    }

    private String onNode(String call, StandInNode n) {
        api.db().execute("UPDATE calls SET media_node = '" + n.address() + "' WHERE id = '" + call + "'");
        return call;
    }

    @AfterAll
    void stop() {
        node.close();
        stalled.close();
        api.close();
    }

    @Test
    void aWorkspaceAdminGetsFramedSnapshotsOfItsOwnCallsOnlyWithTheirCodecJitterLossAndMos() throws Exception {
        try (SseClient sse = new SseClient(api.api().port(), "/v1/live-calls/stream", keyA)) {
            assertEquals(200, sse.status());
            assertTrue(sse.header("Content-Type").startsWith("text/event-stream"), sse.header("Content-Type"));
            assertEquals("no-cache", sse.header("Cache-Control"));
            assertEquals("no", sse.header("X-Accel-Buffering"));
            SseClient.Event first = sse.nextCalls(WAIT);
            // The framing: a named event and one data line of JSON, nothing else (no id, so no replay is implied).
            assertEquals(2, first.lines().size(), first.lines().toString());
            // The space after the colon is optional in the format (WHATWG HTML 9.2.6), and Helidon leaves it out.
            assertTrue(first.lines().get(0).matches("event: ?calls"), first.lines().get(0));
            assertTrue(first.lines().get(1).matches("data: ?\\{.*}"), first.lines().get(1));
            assertEquals(List.of(liveA), ids(first.json()), "workspace A's key sees A's live call only");
            JsonNode media = withMedia(sse, first.json()).path("items").get(0).path("media");
            assertEquals("PCMU", media.path("codec").asText(), media.toString());
            assertEquals(20, media.path("ptime_ms").asInt(), media.toString());
            assertEquals(1.0, media.path("loss_pct").asDouble(), 1e-9, media.toString());
            double mos = media.path("mos").asDouble();
            assertTrue(mos > 4.0 && mos < 4.5, "1% loss and a few ms of jitter is a good G.711 call: MOS " + mos);
            // The node's figures move (its jitter grows with each ask): the next snapshots carry the new ones.
            double jitter = media.path("jitter_ms").asDouble();
            double later = jitter;
            for (int i = 0; i < 5 && later == jitter; i++) {
                later = sse.nextCalls(WAIT).json().path("items").get(0).path("media").path("jitter_ms").asDouble();
            }
            assertNotEquals(jitter, later, "the jitter of later snapshots");
        }
    }

    @Test
    void aWorkspaceAdminNamingAnotherWorkspaceGetsItsNotFoundAndNoStream() {
        Reply r = api.client().withKey(keyA).get("/v1/live-calls/stream?workspace_id=" + wsB);
        assertEquals(404, r.status(), r.toString());
        assertEquals("application/problem+json", r.contentType().orElseThrow());
        assertEquals(List.of("workspace_id"), r.errorFields());
        assertEquals(401, api.client().withKey(null).get("/v1/live-calls/stream").status());
    }

    @Test
    void theOperatorSeesEveryWorkspaceAndAStalledNodeCostsOnlyItsOwnCallsTheirFigures() throws Exception {
        try (SseClient sse = new SseClient(api.api().port(), "/v1/live-calls/stream", TestApi.KEY)) {
            withMedia(sse, sse.nextCalls(WAIT).json());
            long before = System.nanoTime();
            JsonNode snap = withMedia(sse, sse.nextCalls(WAIT).json());
            long gapMs = (System.nanoTime() - before) / 1_000_000;
            // One interval (300 ms) plus at most one round's deadline (250 ms) when a node never answers.
            assertTrue(gapMs < 2000, "snapshots " + gapMs + " ms apart with a stalled node");
            List<String> ids = ids(snap);
            assertTrue(ids.containsAll(List.of(liveA, liveB, onStalled)), ids.toString());
            for (JsonNode c : snap.path("items")) {
                if (c.path("id").asText().equals(onStalled)) {
                    assertTrue(c.path("media").isNull(), "the stalled node's call has no figures: " + c);
                } else if (c.path("media_node").asText().equals(node.address())) {
                    assertEquals("PCMU", c.path("media").path("codec").asText(), c.toString());
                }
            }
        }
        try (SseClient one = new SseClient(api.api().port(), "/v1/live-calls/stream?workspace_id=" + wsB, TestApi.KEY)) {
            assertEquals(List.of(liveB, onStalled), ids(one.nextCalls(WAIT).json()), "the operator narrowed to B");
        }
    }

    @Test
    void aCallThatEndsLeavesTheStream() throws Exception {
        String ending = onNode(Calls.insert(api.db(), wsA, "bot_a", "live", "+442079460055", "+15550100"), node);
        try (SseClient sse = new SseClient(api.api().port(), "/v1/live-calls/stream", keyA)) {
            assertTrue(ids(sse.nextCalls(WAIT).json()).contains(ending));
            api.db().execute("UPDATE calls SET status = 'completed', ended_at = CURRENT_TIMESTAMP WHERE id = '" + ending + "'");
            long until = System.nanoTime() + WAIT.toNanos();
            List<String> ids = List.of(ending);
            while (ids.contains(ending) && System.nanoTime() < until) {
                ids = ids(sse.nextCalls(WAIT).json());
            }
            assertEquals(List.of(liveA), ids, "the ended call left; A's other call stays");
        }
    }

    /**
     * This snapshot, or the next one in which the calls on the answering stand-in node have figures: a round
     * that missed its deadline on a loaded box leaves them null, as it should.
     */
    private JsonNode withMedia(SseClient sse, JsonNode snapshot) throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        JsonNode s = snapshot;
        while (true) {
            boolean all = true;
            for (JsonNode c : s.path("items")) {
                all &= !c.path("media_node").asText().equals(node.address()) || !c.path("media").isNull();
            }
            if (all) {
                return s;
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("no snapshot with the node's figures within " + WAIT + ": " + s);
            }
            s = sse.nextCalls(WAIT).json();
        }
    }

    private static List<String> ids(JsonNode snapshot) {
        List<String> ids = new ArrayList<>();
        snapshot.path("items").forEach(c -> ids.add(c.path("id").asText()));
        return ids;
    }
}
