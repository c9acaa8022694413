package dev.patchbay.admin.app;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.tenant.TenantRoutes;
import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.Tenant;
import dev.patchbay.admin.testing.TestApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Workspace isolation, generated from the admin-api's own route table: for every route and
 * method under {@code /v1/workspaces/{ws}}, workspace A's admin key aimed at workspace B's
 * resources gets 404 and the database is unchanged, row for row; so do B's resource ids under A's
 * own workspace path. The same request aimed at A's
 * own resources then succeeds, which proves each probe was a request that would have worked.
 * A new route is covered the moment it is registered; it fails here until it is isolated and has
 * a sample body below.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkspaceIsolationTest {

    /** Bodies for the routes that take one; {name} is filled from the target tenant. */
    private static final Map<String, String> BODIES = Map.ofEntries(
            Map.entry("PATCH /v1/workspaces/{ws}", "{\"name\":\"renamed\"}"),
            Map.entry("POST /v1/workspaces/{ws}/bots", "{\"name\":\"new\",\"kind\":\"echo\"}"),
            Map.entry("PATCH /v1/workspaces/{ws}/bots/{bot}", "{\"name\":\"renamed bot\"}"),
            Map.entry("POST /v1/workspaces/{ws}/dids", "{\"number\":\"+4930901820\",\"bot_id\":\"{bot2}\"}"),
            Map.entry("PATCH /v1/workspaces/{ws}/dids/{did}", "{\"bot_id\":\"{bot2}\"}"),
            Map.entry("POST /v1/workspaces/{ws}/api-keys", "{\"name\":\"new\"}"),
            Map.entry("POST /v1/workspaces/{ws}/api-keys/{key}/rotate", "{\"overlap_seconds\":60}"),
            Map.entry("POST /v1/workspaces/{ws}/admin-keys", "{\"name\":\"new\"}"),
            Map.entry("POST /v1/workspaces/{ws}/admin-keys/{key}/rotate", "{\"overlap_seconds\":60}"),
            Map.entry("POST /v1/workspaces/{ws}/webhook-secret", ""),
            Map.entry("POST /v1/workspaces/{ws}/trunks", "{\"name\":\"t2\",\"host\":\"198.51.100.9\"}"),
            Map.entry("PATCH /v1/workspaces/{ws}/trunks/{trunk}", "{\"allowed_cidrs\":[\"198.51.100.0/24\"]}"),
            Map.entry("PUT /v1/workspaces/{ws}/trunks/{trunk}/registration", "{\"registrar\":\"sip:198.51.100.9\",\"username\":\"u2\"}"),
            Map.entry("PUT /v1/workspaces/{ws}/integrations/ameyo", Tenant.AMEYO),
            Map.entry("PUT /v1/workspaces/{ws}/integrations/ringcx", "{\"info_max_bytes\":1024}"),
            Map.entry("PUT /v1/workspaces/{ws}/integrations/asapp", "{\"bot_id\":\"{bot}\",\"transfer_ttl_seconds\":600}"),
            Map.entry("POST /v1/workspaces/{ws}/webhooks", "{\"url\":\"https://hooks.example/new\",\"events\":[\"call.failed\"]}"),
            Map.entry("PATCH /v1/workspaces/{ws}/webhooks/{webhook}", "{\"enabled\":false}"),
            Map.entry("POST /v1/workspaces/{ws}/agent-sessions/{session}/credits", "{\"amount\":1,\"idempotency_key\":\"iso\"}"),
            Map.entry("POST /v1/workspaces/{ws}/calls/{call}/hangup", ""),
            Map.entry("POST /v1/workspaces/{ws}/calls/{call}/transfer", "{\"to\":\"+442079460777\"}"),
            Map.entry("POST /v1/workspaces/{ws}/calls/{call}/dtmf", "{\"digits\":\"1\"}"));

    /**
     * Routes that act on a media node: here no node runs, so on the key's own workspace they get past
     * the workspace check and then answer the node's 409 or 503. NodeActionsApiTest covers their success.
     */
    private static final Set<String> NODE_ACTIONS = Set.of("POST /v1/workspaces/{ws}/calls/{call}/hangup",
            "POST /v1/workspaces/{ws}/calls/{call}/transfer", "POST /v1/workspaces/{ws}/calls/{call}/dtmf");
    /** A's call was not recorded: only a call found in A's own workspace can be answered with that. */
    private static final String RECORDING = "GET /v1/workspaces/{ws}/calls/{call}/recording";

    /** The /v1 routes outside a workspace, and why each cannot leak one. */
    private static final Map<String, Access> GLOBAL = Map.ofEntries(
            Map.entry("GET /v1/me", Access.ANY),                  // the caller's own role and workspace only
            Map.entry("GET /v1/calls", Access.ANY),               // narrowed to the caller's workspace: see CallApiTest
            Map.entry("GET /v1/live-calls", Access.ANY),          // likewise
            Map.entry("GET /v1/live-calls/stream", Access.ANY),   // likewise: see LiveCallsStreamTest
            Map.entry("GET /v1/agent-sessions", Access.ANY),      // likewise: see WalletApiTest
            Map.entry("GET /v1/media-nodes", Access.OPERATOR),
            Map.entry("POST /v1/media-nodes/{node}/drain", Access.OPERATOR), // a node carries every workspace's calls
            Map.entry("POST /v1/workspaces", Access.OPERATOR),
            Map.entry("GET /v1/workspaces", Access.ANY),          // narrowed to the caller's own workspace: see listingShowsOnlyOwnWorkspace
            Map.entry("GET /v1/audit-log", Access.OPERATOR),
            Map.entry("POST /v1/secrets/rotate", Access.OPERATOR));

    private static final Pattern PARAM = Pattern.compile("\\{([a-z0-9]+)}");

    private TestApi api;
    private Tenant a;
    private Tenant b;
    private List<ApiRoute> scoped;

    @BeforeAll
    void start() {
        api = TestApi.start();
        a = Tenant.create(api.client(), api.db(), "A", "+442079460001");
        b = Tenant.create(api.client(), api.db(), "B", "+442079460002");
        scoped = api.api().routes().stream().filter(r -> r.path().startsWith(TenantRoutes.WS)).toList();
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @Test
    @Order(1)
    void everyRouteIsEitherWorkspaceScopedOrAKnownGlobalOne() {
        assertTrue(scoped.size() >= 25, "the route table has the workspace routes: " + scoped.size());
        for (ApiRoute r : api.api().routes()) {
            if (r.path().startsWith(TenantRoutes.WS)) {
                assertTrue(r.access() == Access.WORKSPACE || r.access() == Access.WORKSPACE_OPERATOR,
                        r.name() + " is under a workspace but its access is " + r.access());
            } else if (r.path().startsWith("/v1")) {
                assertEquals(GLOBAL.get(r.name()), r.access(), r.name() + ": a new route outside /v1/workspaces/{ws};"
                        + " decide who may call it and add it to GLOBAL with a test that it leaks nothing");
            } else {
                assertEquals(Access.OPEN, r.access(), r.name());
            }
        }
    }

    @Test
    @Order(2)
    void anotherWorkspacesKeyGets404AndChangesNothing() {
        ApiClient asA = api.client().withKey(a.adminKey());
        for (ApiRoute route : scoped) {
            SortedMap<String, List<String>> before = api.db().snapshot();
            Reply r = send(asA, route, b);
            assertEquals(404, r.status(), route.name() + " with A's key on B -> " + r);
            assertEquals(List.of("workspace_id"), r.errorFields(), route.name() + " -> " + r);
            assertFalse(r.body().contains("\"B\""), route.name() + " leaks B's name: " + r);
            assertEquals(before, api.db().snapshot(), route.name() + " changed the database");
        }
    }

    @Test
    @Order(3)
    void anotherWorkspacesIdsUnderTheKeysOwnWorkspaceGet404AndChangeNothing() {
        ApiClient asA = api.client().withKey(a.adminKey());
        int probed = 0;
        for (ApiRoute route : scoped) {
            if (!PARAM.matcher(route.path().replace("{ws}", "")).find()) {
                continue;
            }
            Map<String, String> mixed = new java.util.HashMap<>(b.params(route.path()));
            mixed.put("ws", a.ws());
            SortedMap<String, List<String>> before = api.db().snapshot();
            Reply r = send(asA, route, mixed, a.params(route.path()));
            int expected = route.access() == Access.WORKSPACE_OPERATOR ? 403 : 404;
            assertEquals(expected, r.status(), route.name() + " with A's key, A's workspace and B's ids -> " + r);
            assertEquals(before, api.db().snapshot(), route.name() + " changed the database");
            probed++;
        }
        assertTrue(probed >= 10, "routes with an item id: " + probed);
    }

    @Test
    @Order(4)
    void theSameRequestsSucceedOnTheKeysOwnWorkspace() {
        ApiClient asA = api.client().withKey(a.adminKey());
        List<ApiRoute> ordered = new ArrayList<>(scoped);
        // Deletes last, so every other route still finds its target; DIDs before the bots they point at.
        ordered.sort(Comparator.comparingInt((ApiRoute r) -> r.method().text().equals("DELETE") ? 1 : 0)
                .thenComparing(r -> r.path().contains("/bots/") ? 1 : 0));
        for (ApiRoute route : ordered) {
            Reply r = send(asA, route, a);
            if (route.access() == Access.WORKSPACE_OPERATOR) {
                assertEquals(403, r.status(), route.name() + " is the operator's even in A's own workspace -> " + r);
            } else if (NODE_ACTIONS.contains(route.name())) {
                assertTrue(r.status() == 409 || r.status() == 503, route.name() + " on A's own workspace -> " + r);
            } else if (route.name().equals(RECORDING)) {
                assertTrue(r.status() == 404 && r.body().contains("was not recorded"), route.name() + " on A's own workspace -> " + r);
            } else {
                assertTrue(r.status() >= 200 && r.status() < 300, route.name() + " on A's own workspace -> " + r);
            }
        }
    }

    @Test
    @Order(5)
    void listingShowsOnlyOwnWorkspaceAndGlobalRoutesAreTheOperators() {
        ApiClient asA = api.client().withKey(a.adminKey());
        Reply list = asA.get("/v1/workspaces");
        assertEquals(200, list.status(), list.toString());
        assertEquals(List.of(a.ws()), list.json().path("items").findValuesAsText("id"));
        assertTrue(api.client().get("/v1/workspaces").json().path("items").findValuesAsText("id").contains(b.ws()));
        SortedMap<String, List<String>> before = api.db().snapshot();
        assertEquals(403, asA.post("/v1/workspaces", "{\"name\":\"mine\"}").status());
        assertEquals(403, asA.get("/v1/audit-log").status());
        assertEquals(before, api.db().snapshot());
    }

    private static Reply send(ApiClient client, ApiRoute route, Tenant target) {
        return send(client, route, target.params(route.path()), target.params(route.path()));
    }

    private static Reply send(ApiClient client, ApiRoute route, Map<String, String> pathParams, Map<String, String> bodyParams) {
        String key = route.method().text() + " " + route.path();
        String path = fill(route.path(), pathParams, route);
        String body = "";
        if (Set.of("POST", "PUT", "PATCH").contains(route.method().text())) {
            body = BODIES.get(key);
            assertNotNull(body, key + " has no sample body in WorkspaceIsolationTest.BODIES: add one that succeeds");
            body = fill(body, bodyParams, route);
        }
        HttpRequest.Builder req = client.request(path)
                .method(route.method().text(), HttpRequest.BodyPublishers.ofString(body));
        if (!body.isEmpty()) {
            req.header("Content-Type", "application/json");
        }
        if (Set.of("PUT", "PATCH").contains(route.method().text())) {
            req.header("If-Match", "*");
        }
        return client.send(req);
    }

    private static String fill(String template, Map<String, String> values, ApiRoute route) {
        Matcher m = PARAM.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                fail(route.name() + " has parameter {" + m.group(1) + "}, which Tenant has no fixture for: add one");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }
}
