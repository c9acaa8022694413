package dev.patchbay.admin.app;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.Calls;
import dev.patchbay.admin.testing.StandInNode;
import dev.patchbay.admin.testing.TestApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hang-up, transfer, DTMF, drain and recordings through the admin API: the admin-api on a real port and PostgreSQL,
 * calling a gRPC MediaPlane on loopback ({@link StandInNode}: a real media-plane is not a dependency
 * of this module); ConsoleLiveCallE2eTest runs hang-up and drain against the real one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeActionsApiTest {

    private static final String TOKEN = "cluster-token-for-node-actions-test";

    private StandInNode node;
    private String address;
    private TestApi api;
    private String wsA;
    private String wsB;
    private ApiClient asA;
    private String keyIdA;

    @BeforeAll
    void start() {
        node = new StandInNode(TOKEN);
        address = node.address();
        api = TestApi.start(Map.of("patchbay.cluster.token", TOKEN));
        wsA = api.client().post("/v1/workspaces", "{\"name\":\"A\"}").json().path("id").asText();
        wsB = api.client().post("/v1/workspaces", "{\"name\":\"B\"}").json().path("id").asText();
        String keyA = api.client().post("/v1/workspaces/" + wsA + "/admin-keys", "{\"name\":\"ops\"}")
                .json().path("key").asText();
        asA = api.client().withKey(keyA);
        keyIdA = keyA.substring(0, keyA.indexOf('.'));
        api.db().execute("INSERT INTO media_nodes (node_id, sip_address, rtp_address, grpc_address, capacity,"
                + " current_calls, state, started_at, heartbeat_at) VALUES ('node-a', '127.0.0.1:5060', '127.0.0.1', '"
                + address + "', 100, 2, 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
    }

    @AfterAll
    void stop() {
        api.close();
        node.close();
    }

    private String liveCall(String ws) {
        String id = Calls.insert(api.db(), ws, "bot", "live", "+442079460001", "+15550100");
        api.db().execute("UPDATE calls SET media_node = '" + address + "' WHERE id = '" + id + "'");
        return id;
    }

    @Test
    void aWorkspaceAdminHangsUpItsOwnCallOnTheNodeHoldingItAndTheTimelineSaysWho() {
        String call = liveCall(wsA);
        Reply r = asA.post("/v1/workspaces/" + wsA + "/calls/" + call + "/hangup", "{}");
        assertEquals(202, r.status(), r.toString());
        assertEquals("hangup-requested", r.json().path("status").asText());
        assertTrue(node.hungUp.contains(call), "the node was asked to end " + call + ": " + node.hungUp);
        String events = api.client().get("/v1/workspaces/" + wsA + "/calls/" + call).json().path("events").toString();
        assertTrue(events.contains("\"type\":\"hangup-requested\"") && events.contains("via the admin API"), events);
    }

    @Test
    void anotherWorkspacesCallIsNotFoundAndAnEndedOneIsAConflict() {
        String other = liveCall(wsB);
        assertEquals(404, asA.post("/v1/workspaces/" + wsB + "/calls/" + other + "/hangup", "{}").status());
        assertEquals(404, asA.post("/v1/workspaces/" + wsA + "/calls/" + other + "/hangup", "{}").status());
        String ended = Calls.insert(api.db(), wsA, "bot", "ended", "+442079460002", "+15550100");
        Reply r = asA.post("/v1/workspaces/" + wsA + "/calls/" + ended + "/hangup", "{}");
        assertEquals(409, r.status(), r.toString());
        assertEquals(List.of("call_id"), r.errorFields());
        assertTrue(!node.hungUp.contains(other) && !node.hungUp.contains(ended), "the node was asked anyway: " + node.hungUp);
    }

    @Test
    void aCallTheNodeNoLongerHoldsIsAConflictAndAnUnreachableNodeIs503WithRetryAfter() {
        String gone = liveCall(wsA);
        node.gone.add(gone);
        Reply r = api.client().post("/v1/workspaces/" + wsA + "/calls/" + gone + "/hangup", "{}");
        assertEquals(409, r.status(), r.toString());
        String lost = Calls.insert(api.db(), wsA, "bot", "live", "+442079460003", "+15550100");
        api.db().execute("UPDATE calls SET media_node = '127.0.0.1:1' WHERE id = '" + lost + "'");
        Reply down = api.client().post("/v1/workspaces/" + wsA + "/calls/" + lost + "/hangup", "{}");
        assertEquals(503, down.status(), down.toString());
        assertEquals("2", down.header("Retry-After").orElse(null));
        assertTrue(down.json().path("detail").asText().contains("127.0.0.1:1 does not answer"), down.toString());
    }

    @Test
    void aRecordedCallsWavComesFromItsNodeWithTheKeyAndOneNotRecordedIsNotFound() throws Exception {
        String call = Calls.insert(api.db(), wsA, "bot", "ended", "+442079460004", "+15550100");
        api.db().execute("UPDATE calls SET media_node = '" + address + "', recording_url = '/var/rec/" + call
                + ".wav' WHERE id = '" + call + "'");
        byte[] wav = StandInNode.toneOnTheLeft(8000, 20.0); // 640 kB: several gRPC chunks
        node.recordings.put(call, wav);
        HttpResponse<byte[]> r;
        try (HttpClient http = HttpClient.newHttpClient()) {
            r = http.send(asA.request("/v1/workspaces/" + wsA + "/calls/" + call + "/recording").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        }
        assertEquals(200, r.statusCode());
        assertEquals("audio/wav", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals(String.valueOf(wav.length), r.headers().firstValue("Content-Length").orElse(null));
        assertArrayEquals(wav, r.body());
        assertEquals(401, api.client().withKey("wrong").get("/v1/workspaces/" + wsA + "/calls/" + call + "/recording")
                .status());
        Reply other = api.client().post("/v1/workspaces", "{\"name\":\"C\"}");
        assertEquals(404, asA.get("/v1/workspaces/" + other.json().path("id").asText() + "/calls/" + call + "/recording").status());
        String plain = Calls.insert(api.db(), wsA, "bot", "ended", "+442079460005", "+15550100");
        Reply none = asA.get("/v1/workspaces/" + wsA + "/calls/" + plain + "/recording");
        assertEquals(404, none.status(), none.toString());
        assertTrue(none.json().path("detail").asText().contains("was not recorded"), none.toString());
        node.recordings.remove(call);
        Reply deleted = asA.get("/v1/workspaces/" + wsA + "/calls/" + call + "/recording");
        assertEquals(410, deleted.status(), deleted.toString());
    }

    @Test
    void onlyTheOperatorDrainsANodeAndASecondDrainSaysItIsAlreadyDraining() {
        assertEquals(403, asA.post("/v1/media-nodes/node-a/drain", "{}").status());
        Reply unknown = api.client().post("/v1/media-nodes/node-z/drain", "{}");
        assertEquals(404, unknown.status());
        assertEquals(List.of("node_id"), unknown.errorFields());
        Reply first = api.client().post("/v1/media-nodes/node-a/drain", "{}");
        assertEquals(202, first.status(), first.toString());
        assertEquals(2, first.json().path("calls_in_progress").asInt());
        assertTrue(!first.json().path("already_draining").asBoolean() && node.draining.get(), first.toString());
        assertTrue(api.client().post("/v1/media-nodes/node-a/drain", "{}").json().path("already_draining").asBoolean());
        String audit = api.client().get("/v1/audit-log?limit=200").body();
        assertTrue(audit.contains("\"resource_type\":\"media_node\"") && audit.contains("\"action\":\"drain\""), audit);
    }

    @Test
    void aWrongClusterTokenIsNamedWithTheSettingToFix() {
        node.token.set("another-token");
        try {
            String call = liveCall(wsA);
            Reply r = api.client().post("/v1/workspaces/" + wsA + "/calls/" + call + "/hangup", "{}");
            assertEquals(502, r.status(), r.toString());
            assertTrue(r.json().path("detail").asText().contains("patchbay.cluster.token"), r.toString());
            assertTrue(!r.toString().contains(TOKEN), "the token was echoed: " + r);
        } finally {
            node.token.set(TOKEN);
        }
    }

    @Test
    void aTransferAnsweredQuicklyIs200WithTheFinalStatusAndIsAuditedWithWhoAsked() {
        String call = liveCall(wsA);
        Reply r = asA.post("/v1/workspaces/" + wsA + "/calls/" + call + "/transfer", "{\"to\":\"+442079460777\"}");
        assertEquals(200, r.status(), r.toString());
        assertEquals(202, r.json().path("final_status").asInt());
        assertEquals("tel:+442079460777", r.json().path("to").asText());
        assertTrue(node.transfers.contains(call + " -> tel:+442079460777"), node.transfers.toString());
        String events = api.client().get("/v1/workspaces/" + wsA + "/calls/" + call).json().path("events").toString();
        assertTrue(events.contains("\"type\":\"transfer-requested\"") && events.contains("final status 202"), events);
        String audit = asA.get("/v1/workspaces/" + wsA + "/audit-log?limit=200").body();
        assertTrue(audit.contains("\"resource_id\":\"" + call + "\"") && audit.contains("\"action\":\"transfer\"")
                && audit.contains("\"actor\":\"" + keyIdA + "\""), audit);
    }

    @Test
    void aTransferStillRingingIs202AndItsResultReachesTheTimelineWhenTheNodeAnswers() throws InterruptedException {
        String call = liveCall(wsA);
        node.transferStatus.set(0);
        try {
            Reply r = asA.post("/v1/workspaces/" + wsA + "/calls/" + call + "/transfer", "{\"to\":\"sip:desk@pbx.example.com\"}");
            assertEquals(202, r.status(), r.toString());
            assertEquals("transfer-requested", r.json().path("status").asText());
            node.answerRinging(486);
            long deadline = System.nanoTime() + 5_000_000_000L;
            String events = "";
            while (System.nanoTime() < deadline && !events.contains("final status 486")) {
                events = asA.get("/v1/workspaces/" + wsA + "/calls/" + call).json().path("events").toString();
                Thread.sleep(20);
            }
            assertTrue(events.contains("\"type\":\"transfer-result\"") && events.contains("final status 486"), events);
        } finally {
            node.transferStatus.set(202);
        }
    }

    @Test
    void aBadTransferTargetOrBadDigitsAre422NamingTheFieldAndTheNodeIsNotAsked() {
        String call = liveCall(wsA);
        Reply to = asA.post("/v1/workspaces/" + wsA + "/calls/" + call + "/transfer", "{\"to\":\"desk\"}");
        assertEquals(422, to.status(), to.toString());
        assertEquals(List.of("to"), to.errorFields());
        Reply digits = asA.post("/v1/workspaces/" + wsA + "/calls/" + call + "/dtmf", "{\"digits\":\"12x\",\"duration_ms\":5}");
        assertEquals(422, digits.status(), digits.toString());
        assertEquals(List.of("digits", "duration_ms"), digits.errorFields());
        assertTrue(node.transfers.stream().noneMatch(t -> t.startsWith(call)) && node.dtmf.stream().noneMatch(t -> t.startsWith(call)),
                "the node was asked anyway: " + node.transfers + " " + node.dtmf);
    }

    @Test
    void dtmfReachesTheNodeAndTheTimelineAndAuditCountTheDigitsWithoutNamingThem() {
        String call = liveCall(wsA);
        Reply r = asA.post("/v1/workspaces/" + wsA + "/calls/" + call + "/dtmf", "{\"digits\":\"98,7#\"}");
        assertEquals(202, r.status(), r.toString());
        assertEquals(4, r.json().path("digit_count").asInt());
        assertTrue(node.dtmf.contains(call + " -> 98,7#"), node.dtmf.toString());
        String events = api.client().get("/v1/workspaces/" + wsA + "/calls/" + call).json().path("events").toString();
        String audit = api.client().get("/v1/workspaces/" + wsA + "/audit-log?limit=200").body();
        assertTrue(events.contains("\"type\":\"dtmf-sent\"") && events.contains("4 digit(s)"), events);
        assertTrue(audit.contains("\"action\":\"dtmf\""), audit);
        assertTrue(!events.contains("98,7#") && !audit.contains("98,7#"), "the digits were stored: " + events + audit);
    }

    @Test
    void transferAndDtmfMapTheNodesErrorsAsHangUpDoes() {
        String gone = liveCall(wsA);
        node.gone.add(gone);
        assertEquals(409, asA.post("/v1/workspaces/" + wsA + "/calls/" + gone + "/dtmf", "{\"digits\":\"1\"}").status());
        assertEquals(409, asA.post("/v1/workspaces/" + wsA + "/calls/" + gone + "/transfer", "{\"to\":\"+442079460777\"}").status());
        String lost = Calls.insert(api.db(), wsA, "bot", "live", "+442079460006", "+15550100");
        api.db().execute("UPDATE calls SET media_node = '127.0.0.1:1' WHERE id = '" + lost + "'");
        Reply down = asA.post("/v1/workspaces/" + wsA + "/calls/" + lost + "/transfer", "{\"to\":\"+442079460777\"}");
        assertEquals(503, down.status(), down.toString());
        assertEquals(503, asA.post("/v1/workspaces/" + wsA + "/calls/" + lost + "/dtmf", "{\"digits\":\"1\"}").status());
        String audit = asA.get("/v1/workspaces/" + wsA + "/audit-log?limit=200").body();
        assertTrue(!audit.contains(gone) && !audit.contains(lost), "a refused action was audited: " + audit);
    }
}
