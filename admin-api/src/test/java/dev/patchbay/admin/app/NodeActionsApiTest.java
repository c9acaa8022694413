package dev.patchbay.admin.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.Calls;
import dev.patchbay.admin.testing.TestApi;
import dev.patchbay.proto.media.v1.DrainRequest;
import dev.patchbay.proto.media.v1.DrainResponse;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.HangupResponse;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hang-up and drain through the admin API: the admin-api on a real port and PostgreSQL, calling a
 * gRPC MediaPlane on loopback. That node is a stand-in serving the two RPCs (a real media-plane is
 * not a dependency of this module); ConsoleLiveCallE2eTest runs both against the real one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeActionsApiTest {

    private static final String TOKEN = "cluster-token-for-node-actions-test";
    private static final Metadata.Key<String> TOKEN_HEADER =
            Metadata.Key.of("x-patchbay-cluster-token", Metadata.ASCII_STRING_MARSHALLER);

    private final List<String> hungUp = new CopyOnWriteArrayList<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicReference<String> expectedToken = new AtomicReference<>(TOKEN);
    private Server node;
    private String address;
    private TestApi api;
    private String wsA;
    private String wsB;
    private ApiClient asA;

    @BeforeAll
    void start() throws IOException {
        node = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new StandInNode(), new TokenCheck())).build().start();
        address = "127.0.0.1:" + node.getPort();
        api = TestApi.start(Map.of("patchbay.cluster.token", TOKEN));
        wsA = api.client().post("/v1/workspaces", "{\"name\":\"A\"}").json().path("id").asText();
        wsB = api.client().post("/v1/workspaces", "{\"name\":\"B\"}").json().path("id").asText();
        asA = api.client().withKey(api.client().post("/v1/workspaces/" + wsA + "/admin-keys", "{\"name\":\"ops\"}")
                .json().path("key").asText());
        api.db().execute("INSERT INTO media_nodes (node_id, sip_address, rtp_address, grpc_address, capacity,"
                + " current_calls, state, started_at, heartbeat_at) VALUES ('node-a', '127.0.0.1:5060', '127.0.0.1', '"
                + address + "', 100, 2, 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
    }

    @AfterAll
    void stop() {
        api.close();
        node.shutdownNow();
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
        assertTrue(hungUp.contains(call), "the node was asked to end " + call + ": " + hungUp);
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
        assertTrue(!hungUp.contains(other) && !hungUp.contains(ended), "the node was asked anyway: " + hungUp);
    }

    @Test
    void aCallTheNodeNoLongerHoldsIsAConflictAndAnUnreachableNodeIs503WithRetryAfter() {
        String gone = liveCall(wsA);
        hungUp.add("gone:" + gone); // the stand-in answers NOT_FOUND for these, as a node whose call has ended
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
    void onlyTheOperatorDrainsANodeAndASecondDrainSaysItIsAlreadyDraining() {
        assertEquals(403, asA.post("/v1/media-nodes/node-a/drain", "{}").status());
        Reply unknown = api.client().post("/v1/media-nodes/node-z/drain", "{}");
        assertEquals(404, unknown.status());
        assertEquals(List.of("node_id"), unknown.errorFields());
        Reply first = api.client().post("/v1/media-nodes/node-a/drain", "{}");
        assertEquals(202, first.status(), first.toString());
        assertEquals(2, first.json().path("calls_in_progress").asInt());
        assertTrue(!first.json().path("already_draining").asBoolean() && draining.get(), first.toString());
        assertTrue(api.client().post("/v1/media-nodes/node-a/drain", "{}").json().path("already_draining").asBoolean());
    }

    @Test
    void aWrongClusterTokenIsNamedWithTheSettingToFix() {
        expectedToken.set("another-token");
        try {
            String call = liveCall(wsA);
            Reply r = api.client().post("/v1/workspaces/" + wsA + "/calls/" + call + "/hangup", "{}");
            assertEquals(502, r.status(), r.toString());
            assertTrue(r.json().path("detail").asText().contains("patchbay.cluster.token"), r.toString());
            assertTrue(!r.toString().contains(TOKEN), "the token was echoed: " + r);
        } finally {
            expectedToken.set(TOKEN);
        }
    }

    /** The two RPCs the admin API calls, answering as a media-plane node does. */
    private final class StandInNode extends MediaPlaneGrpc.MediaPlaneImplBase {
        @Override
        public void hangup(HangupRequest request, StreamObserver<HangupResponse> response) {
            if (hungUp.contains("gone:" + request.getCallId())) {
                response.onError(Status.NOT_FOUND.withDescription("no call " + request.getCallId()).asRuntimeException());
                return;
            }
            hungUp.add(request.getCallId());
            response.onNext(HangupResponse.getDefaultInstance());
            response.onCompleted();
        }

        @Override
        public void drain(DrainRequest request, StreamObserver<DrainResponse> response) {
            boolean already = draining.getAndSet(true);
            response.onNext(DrainResponse.newBuilder().setCallsInProgress(2).setAlreadyDraining(already).build());
            response.onCompleted();
        }
    }

    /** The media-plane's ClusterAuth rule: the configured token, or UNAUTHENTICATED. */
    private final class TokenCheck implements ServerInterceptor {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                           ServerCallHandler<Q, A> next) {
            if (!expectedToken.get().equals(headers.get(TOKEN_HEADER))) {
                call.close(Status.UNAUTHENTICATED.withDescription("wrong cluster token"), new Metadata());
                return new ServerCall.Listener<>() { };
            }
            return next.startCall(call, headers);
        }
    }
}
