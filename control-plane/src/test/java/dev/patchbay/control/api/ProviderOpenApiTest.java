package dev.patchbay.control.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.app.ControlHealth;
import dev.patchbay.control.app.ControlPlane;
import dev.patchbay.control.integration.asapp.CallTransfersApi;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.recording.RecordingsApi;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.control.testing.RouteRecorder;
import dev.patchbay.rest.OpenApiDocument;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider API's OpenAPI document: valid YAML, exactly the routes the real router registers
 * (ControlPlane.routing with the call-transfer API, and ControlHealth) documented, and the call JSON
 * documented field for field as CallJson writes it. Mounted modules' routes are checked where the
 * module is on the class path (agents-api's AgentsOpenApiTest).
 */
class ProviderOpenApiTest {

    /** CallsApi's CREATE_FIELDS. */
    private static final Set<String> CREATE_FIELDS = Set.of("to", "from", "websocket_url", "callback_url", "dialect",
            "sample_rate", "custom_parameters", "record");

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private final Map<String, Object> doc = new Yaml().load(new String(
            OpenApiDocument.of(ControlPlane.class).yaml(), StandardCharsets.UTF_8));

    @Test
    void isAnOpenApi31Document() {
        assertTrue(String.valueOf(doc.get("openapi")).startsWith("3.1."), String.valueOf(doc.get("openapi")));
        assertEquals(Set.of("apiKeyBearer", "apiKeyBasic", "asappApiId", "asappApiSecret"),
                map(map(doc, "components"), "securitySchemes").keySet());
    }

    /** Every route the control-plane's own router registers, read through a recorder as it is built. */
    static Set<String> routes() {
        ApiKeyAuth auth = new ApiKeyAuth(new Tenants(null));
        RouteRecorder recorder = new RouteRecorder(HttpRouting.builder());
        ControlHealth.routing(recorder.routing(), null, new MediaNodes(List.of()), () -> false);
        ControlPlane.routing(recorder.routing(), new MediaNodes(List.of()), auth, new CallsApi(null, null, null, null, new RecordingsApi(null, null, null)),
                new CallTransfersApi(null, null, null, auth, null, null), List.of());
        return recorder.routes();
    }

    @Test
    void documentsExactlyTheRoutes() {
        Set<String> routes = routes();
        Set<String> documented = operations().keySet();
        assertTrue(routes.containsAll(Set.of("GET /v1/calls", "POST /generativeagent/v1/call-transfers")), routes.toString());
        assertEquals(Set.of(), difference(routes, documented), "routes the document lacks");
        assertEquals(Set.of(), difference(documented, routes), "documented routes the router does not have");
    }

    static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertFalse(refs.isEmpty());
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/"), ref);
            assertTrue(pointer(ref) != null, "unresolved " + ref);
        }
    }

    @Test
    void callSchemaMatchesCallJson() {
        // Every optional part present: to_raw, and the grpc attach details of a live gRPC-bot call.
        CallRecord call = new CallRecord("CA" + "0".repeat(32), "ws_a", "bot_a", CallRecord.Direction.INBOUND,
                CallStatus.IN_PROGRESS, "+14155550199", "+14155550100", "sip:raw@example", "127.0.0.1:9090", "tok",
                new CallRecord.Stream(null, "grpc", 8000, null), "https://cb.example/hook",
                "caller_bye", 200, "done", "https://rec.example/a.wav", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:01Z"), Instant.parse("2026-01-01T00:00:31Z"));
        Map<String, Object> schema = map(map(map(doc, "components"), "schemas"), "Call");
        assertEquals(fieldNames(CallJson.call(call, call.recordingUrl())), new TreeSet<>(map(schema, "properties").keySet()));

        CallRecord plain = new CallRecord(call.id(), "ws_a", null, CallRecord.Direction.OUTBOUND, CallStatus.QUEUED,
                "+14155550199", "+14155550100", null, "127.0.0.1:9090", null, CallRecord.Stream.NONE, null, null, null,
                null, null, Instant.parse("2026-01-01T00:00:00Z"), null, null);
        // What CallJson always writes is required; to_raw and grpc appear only when they apply.
        assertEquals(fieldNames(CallJson.call(plain, plain.recordingUrl())), new TreeSet<>(list(schema, "required")));
        assertEquals(Set.of("at", "type", "detail"), map(map(map(doc, "components"), "schemas"), "CallEvent")
                .get("required") instanceof List<?> l ? new TreeSet<>(l) : Set.of());
    }

    @Test
    void callRequestTakesExactlyTheCreateFields() {
        Map<String, Object> schema = map(map(map(doc, "components"), "schemas"), "CallRequest");
        assertEquals(new TreeSet<>(CREATE_FIELDS), new TreeSet<>(map(schema, "properties").keySet()));
        assertEquals(Boolean.FALSE, schema.get("additionalProperties"));
        Map<String, Object> create = operations().get("POST /v1/calls");
        assertTrue(String.valueOf(create.get("parameters")).contains("IdempotencyKey"), create.toString());
        assertEquals(Set.of("201", "200", "400", "401", "403", "413", "415", "422", "503"),
                new TreeSet<>(map(create, "responses").keySet()));
    }

    @Test
    void hangupCallbackIsSignedAndDeduplicable() {
        Map<String, Object> create = operations().get("POST /v1/calls");
        Map<String, Object> hangup = map(map(create, "callbacks"), "hangup");
        Map<String, Object> post = map(map(hangup, "{$request.body#/callback_url}"), "post");
        List<String> headers = new ArrayList<>();
        for (Object p : list(post, "parameters")) {
            Map<String, Object> param = resolve(p);
            assertEquals("header", param.get("in"));
            headers.add(String.valueOf(param.get("name")));
        }
        // The names WebhookSigner and the outbox worker send.
        assertEquals(List.of("X-Patchbay-Timestamp", "X-Patchbay-Signature", "X-Patchbay-Delivery-Id"), headers);
        assertEquals(Map.of("$ref", "#/components/schemas/HangupCallback"),
                map(map(map(post, "requestBody"), "content"), "application/json").get("schema"));
        // HangupCallbackDocTest compares the schema with the body HangupCallbackSender writes.
    }

    @Test
    void errorsAreProblemJsonAndV1NeedsAKey() {
        operations().forEach((op, operation) -> {
            Map<String, Object> responses = map(operation, "responses");
            assertTrue(responses.keySet().stream().anyMatch(code -> String.valueOf(code).startsWith("2")), op);
            responses.forEach((code, response) -> {
                String c = String.valueOf(code);
                if (c.startsWith("4") || c.startsWith("5")) {
                    assertEquals(Set.of("application/problem+json"), map(resolve(response), "content").keySet(), op + " " + c);
                }
            });
            boolean open = List.of().equals(operation.get("security"));
            assertEquals(!guarded(op), open, op + ": only /health and /openapi.yaml are open");
            if (!open) {
                assertTrue(responses.containsKey("401") && responses.containsKey("403"), op + " documents 401 and 403");
            }
        });
        for (String op : List.of("GET /v1/calls/{}", "GET /v1/calls/{}/events", "POST /v1/calls/{}/hangup",
                "POST /v1/calls/{}/transfer", "POST /v1/calls/{}/dtmf")) {
            assertTrue(map(operations().get(op), "responses").containsKey("404"), op);
        }
        for (String op : List.of("POST /v1/calls/{}/hangup", "POST /v1/calls/{}/transfer", "POST /v1/calls/{}/dtmf")) {
            assertTrue(map(operations().get(op), "responses").keySet().containsAll(Set.of("409", "503")), op);
        }
    }

    /**
     * Through ControlPlane.routing itself: the document is served without a key beside the guarded API,
     * every documented route of it exists (401 without a key, not 404), and nothing else does.
     */
    @Test
    void servedByControlPlaneRoutingWithoutAKeyBesideTheGuardedApi() throws Exception {
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                // Handlers are not reached without a key, so the API needs no store, dialer or media nodes.
                .routing(r -> {
                    ApiKeyAuth auth = new ApiKeyAuth(new Tenants(null));
                    ControlPlane.routing(r, new MediaNodes(List.of()), auth, new CallsApi(null, null, null, null, new RecordingsApi(null, null, null)),
                            new CallTransfersApi(null, null, null, auth, null, null), List.of());
                })
                .build().start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> doc = http.send(request(server, "GET", "/openapi.yaml"), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, doc.statusCode());
            assertEquals("application/yaml", doc.headers().firstValue("Content-Type").orElseThrow());
            assertArrayEquals(Files.readAllBytes(Path.of("src/main/resources/openapi.yaml")), doc.body());
            assertEquals(200, http.send(request(server, "GET", "/health"), HttpResponse.BodyHandlers.ofString()).statusCode());
            for (String route : routes()) {
                String[] op = route.split(" ", 2);
                if (guarded(route)) {
                    HttpResponse<String> r = http.send(request(server, op[0], op[1].replace("{}", "CA1")),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(401, r.statusCode(), route + ": " + r.body());
                }
            }
            assertEquals(404, http.send(request(server, "GET", "/v2/calls"), HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            server.stop();
        }
    }

    /** The provider API (/v1) and ASAPP's (/generativeagent) need credentials; the rest is open. */
    private static boolean guarded(String op) {
        return op.contains(" /v1/") || op.endsWith(" /v1/calls") || op.contains(" /generativeagent/");
    }

    private static HttpRequest request(WebServer server, String method, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
    }

    private static Set<String> fieldNames(ObjectNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private Map<String, Map<String, Object>> operations() {
        Map<String, Map<String, Object>> ops = new TreeMap<>();
        map(doc, "paths").forEach((path, item) -> ((Map<?, ?>) item).forEach((method, operation) -> {
            if (METHODS.contains(String.valueOf(method))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> o = (Map<String, Object>) operation;
                ops.put(String.valueOf(method).toUpperCase(Locale.ROOT) + " " + path.replaceAll("\\{[^}]+}", "{}"), o);
            }
        }));
        return ops;
    }

    private Object pointer(String ref) {
        Object target = doc;
        for (String part : ref.substring(2).split("/")) {
            if (!(target instanceof Map<?, ?> m)) {
                return null;
            }
            target = m.get(part.replace("~1", "/").replace("~0", "~"));
        }
        return target;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> resolve(Object node) {
        Map<String, Object> m = (Map<String, Object>) node;
        Object ref = m.get("$ref");
        return ref == null ? m : resolve(pointer(String.valueOf(ref)));
    }

    private static void collectRefs(Object node, List<String> refs) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if ("$ref".equals(k)) {
                    refs.add(String.valueOf(v));
                } else {
                    collectRefs(v, refs);
                }
            });
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collectRefs(v, refs));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object parent, String key) {
        Object value = ((Map<String, Object>) parent).get(key);
        assertInstanceOf(Map.class, value, key);
        return (Map<String, Object>) value;
    }

    private static List<?> list(Object parent, String key) {
        Object value = ((Map<?, ?>) parent).get(key);
        assertInstanceOf(List.class, value, key);
        return (List<?>) value;
    }
}
