package dev.patchbay.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.transcripts.TranscriptsApi;
import dev.patchbay.control.api.ApiKeyAuth;
import dev.patchbay.control.api.CallsApi;
import dev.patchbay.control.recording.RecordingsApi;
import dev.patchbay.control.app.ControlHealth;
import dev.patchbay.control.app.ControlPlane;
import dev.patchbay.control.integration.asapp.CallTransfersApi;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.control.testing.RouteRecorder;
import dev.patchbay.rest.OpenApiDocument;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Issue 18 §5: the control-plane process's real router, with the agents' API mounted as it is in
 * production, registers exactly the routes its two OpenAPI documents describe (the control-plane's
 * and this module's); an undocumented route or a documented one the router lacks fails. The agents'
 * document is served without a credential and every other /api/v1 route asks for one.
 */
class AgentsOpenApiTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static AgentsRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static void controlPlaneRouting(HttpRouting.Builder r) {
        ApiKeyAuth auth = new ApiKeyAuth(new Tenants(null));
        ControlHealth.routing(r, null, new MediaNodes(List.of()), () -> false);
        ControlPlane.routing(r, new MediaNodes(List.of()), auth, new CallsApi(null, null, null, null, new RecordingsApi(null, null, null)),
                new CallTransfersApi(null, null, null, auth, null, null), List.of(rig.api));
    }

    /** Every route of the router, plus the WebSocket route the mount adds beside it. */
    private static Set<String> routes() {
        RouteRecorder recorder = new RouteRecorder(HttpRouting.builder());
        controlPlaneRouting(recorder.routing());
        Set<String> routes = new TreeSet<>(recorder.routes());
        routes.add("GET " + TranscriptsApi.STREAM_PATH.replaceAll("\\{[^}]+}", "{}"));
        return routes;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(Class<?> owner) {
        return new Yaml().load(new String(OpenApiDocument.of(owner).yaml(), StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> operations(Map<String, Object> doc) {
        Map<String, Map<String, Object>> ops = new TreeMap<>();
        ((Map<String, Object>) doc.get("paths")).forEach((path, item) -> ((Map<String, Object>) item).forEach((m, o) -> {
            if (METHODS.contains(m)) {
                ops.put(m.toUpperCase(Locale.ROOT) + " " + path.replaceAll("\\{[^}]+}", "{}"), (Map<String, Object>) o);
            }
        }));
        return ops;
    }

    @Test
    void theRouterHasExactlyTheDocumentedRoutes() {
        Set<String> documented = new TreeSet<>(operations(load(ControlPlane.class)).keySet());
        documented.addAll(operations(load(AgentsApi.class)).keySet());
        Set<String> routes = routes();
        assertTrue(routes.contains("POST /api/v1/calls/initiate") && routes.contains("GET /v1/calls"), routes.toString());
        Set<String> undocumented = new TreeSet<>(routes);
        undocumented.removeAll(documented);
        Set<String> absent = new TreeSet<>(documented);
        absent.removeAll(routes);
        assertEquals(Set.of(), undocumented, "routes no OpenAPI document describes");
        assertEquals(Set.of(), absent, "documented routes the router does not have");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAgentsOperationAnswersProblemsAndNeedsACredential() {
        Map<String, Object> doc = load(AgentsApi.class);
        Map<String, Object> shared = (Map<String, Object>) ((Map<String, Object>) doc.get("components")).get("responses");
        operations(doc).forEach((op, o) -> {
            Map<String, Object> responses = (Map<String, Object>) o.get("responses");
            assertTrue(responses.keySet().stream().anyMatch(c -> c.startsWith("2") || c.equals("101")), op);
            boolean open = List.of().equals(o.get("security"));
            assertEquals(op.endsWith(OpenApiDocument.PATH), open, op);
            if (!open) {
                assertTrue(responses.keySet().containsAll(Set.of("401", "403", "429")), op);
            }
            responses.forEach((code, r) -> {
                if (code.startsWith("4") || code.startsWith("5")) {
                    Object ref = ((Map<String, Object>) r).get("$ref");
                    Map<String, Object> response = ref == null ? (Map<String, Object>) r
                            : (Map<String, Object>) shared.get(String.valueOf(ref).substring("#/components/responses/".length()));
                    assertEquals(Set.of("application/problem+json"), ((Map<String, Object>) response.get("content")).keySet(),
                            op + " " + code);
                }
            });
        });
    }

    @Test
    void theDocumentIsOpenAndTheRoutesAskForACredential() throws Exception {
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(AgentsOpenApiTest::controlPlaneRouting).build().start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> doc = http.send(request(server, "GET", AgentAuth.OPENAPI), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, doc.statusCode());
            assertArrayEquals(Files.readAllBytes(Path.of("src/main/resources/openapi.yaml")), doc.body());
            for (String route : operations(load(AgentsApi.class)).keySet()) {
                String[] op = route.split(" ", 2);
                if (!op[1].equals(AgentAuth.OPENAPI) && !op[1].equals(TranscriptsApi.STREAM_PATH.replaceAll("\\{[^}]+}", "{}"))) {
                    HttpResponse<String> r = http.send(request(server, op[0], op[1].replace("{}", "x1")),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(401, r.statusCode(), route + ": " + r.body());
                }
            }
        } finally {
            server.stop();
        }
    }

    private static HttpRequest request(WebServer server, String method, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
}
