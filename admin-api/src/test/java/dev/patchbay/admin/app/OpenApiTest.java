package dev.patchbay.admin.app;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.TestApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document: served without the operator key, valid YAML, and in step with the routes
 * in both directions (everything routed is documented, everything documented is routed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private TestApi api;
    private Map<String, Object> doc;

    @BeforeAll
    void start() {
        api = TestApi.start();
        Reply r = api.client().withKey(null).get("/openapi.yaml");
        assertEquals(200, r.status(), r.toString());
        assertEquals("application/yaml", r.contentType().orElseThrow());
        doc = new Yaml().load(r.body());
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @Test
    void isAnOpenApi31Document() {
        assertTrue(String.valueOf(doc.get("openapi")).startsWith("3.1."), String.valueOf(doc.get("openapi")));
        assertInstanceOf(Map.class, doc.get("info"));
        assertInstanceOf(Map.class, map(doc, "components").get("schemas"));
    }

    /** The route table the server registers: a route added there fails this test until it is documented. */
    @Test
    void documentsExactlyTheRoutes() {
        Set<String> routes = new TreeSet<>();
        api.api().routes().forEach(r -> routes.add(r.method().text() + " " + r.path().replaceAll("\\{[^}]+}", "{}")));
        assertTrue(routes.size() >= 40, routes.toString());
        assertEquals(routes, new TreeSet<>(operations().keySet()));
    }

    @Test
    void servedAtOpenapiToo() {
        Reply r = api.client().withKey(null).get(AdminApi.OPENAPI);
        assertEquals(200, r.status(), r.toString());
        assertEquals(doc, new Yaml().load(r.body()));
    }

    @Test
    void listsPageAndUpdatesAreConditional() {
        operations().forEach((op, operation) -> {
            Map<String, Object> responses = map(operation, "responses");
            if (op.startsWith("PUT ") || op.startsWith("PATCH ")) {
                assertTrue(responses.containsKey("412") && responses.containsKey("428"), op + " documents 412 and 428");
            }
            Object ok = responses.get("200");
            if (op.startsWith("GET /v1") && ok != null && String.valueOf(ok).contains("List'")) {
                String params = String.valueOf(operation.get("parameters"));
                assertTrue(params.contains("Limit") && params.contains("Cursor"), op + " documents limit and cursor");
            }
        });
    }

    @Test
    void everyDocumentedOperationIsRouted() {
        for (String op : operations().keySet()) {
            String method = op.substring(0, op.indexOf(' '));
            String path = op.substring(op.indexOf(' ') + 1).replace("{}", "x_missing");
            if (path.endsWith("/stream")) {
                // A stream answers only when it ends: asked for a missing workspace, it answers that 404 at once.
                path += "?workspace_id=x_missing";
            }
            HttpRequest.Builder req = api.client().request(path).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(method.equals("POST") ? "{}" : ""));
            Reply r = api.client().send(req);
            // Any answer but the catch-all's: a missing workspace (404 naming it) or a 4xx for the empty body is fine.
            assertFalse(r.status() == 404 && r.body().contains("there is no route"), op + " -> " + r);
        }
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertFalse(refs.isEmpty());
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/"), ref);
            Object target = doc;
            for (String part : ref.substring(2).split("/")) {
                assertInstanceOf(Map.class, target, ref);
                target = ((Map<?, ?>) target).get(part.replace("~1", "/").replace("~0", "~"));
            }
            assertTrue(target != null, "unresolved " + ref);
        }
    }

    @Test
    void errorsAreProblemJsonAndV1NeedsTheKey() {
        operations().forEach((op, operation) -> {
            Map<String, Object> responses = map(operation, "responses");
            assertTrue(responses.keySet().stream().anyMatch(code -> String.valueOf(code).startsWith("2")), op);
            responses.forEach((code, response) -> {
                if (String.valueOf(code).startsWith("4")) {
                    Map<String, Object> content = map(resolve(response), "content");
                    assertEquals(Set.of("application/problem+json"), content.keySet(), op + " " + code);
                }
            });
            boolean open = List.of().equals(operation.get("security"));
            assertEquals(!op.contains(" /v1"), open, op + ": only /health and /openapi.yaml are open");
            if (!open) {
                assertTrue(responses.containsKey("401"), op + " documents 401");
            }
        });
    }

    @Test
    void trunkPasswordIsWriteOnlyAndKeysShowTheirSecretOnce() {
        Map<String, Object> schemas = map(map(doc, "components"), "schemas");
        Map<String, Object> trunk = map(map(schemas, "Trunk"), "properties");
        assertFalse(trunk.containsKey("password") || trunk.containsKey("password_enc"), trunk.toString());
        assertTrue(trunk.containsKey("has_password"));
        assertEquals(Boolean.TRUE, map(map(map(schemas, "NewTrunk"), "properties"), "password").get("writeOnly"));
        assertFalse(map(map(schemas, "ApiKey"), "properties").containsKey("key"));
    }

    /** "METHOD /path/{}" -> operation object. */
    private Map<String, Map<String, Object>> operations() {
        Map<String, Map<String, Object>> ops = new java.util.TreeMap<>();
        map(doc, "paths").forEach((path, item) -> ((Map<?, ?>) item).forEach((method, operation) -> {
            if (METHODS.contains(String.valueOf(method))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> o = (Map<String, Object>) operation;
                ops.put(String.valueOf(method).toUpperCase(java.util.Locale.ROOT) + " " + path.replaceAll("\\{[^}]+}", "{}"), o);
            }
        }));
        return ops;
    }

    private Map<String, Object> resolve(Object node) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) node;
        Object ref = m.get("$ref");
        if (ref == null) {
            return m;
        }
        Object target = doc;
        for (String part : String.valueOf(ref).substring(2).split("/")) {
            target = ((Map<?, ?>) target).get(part);
        }
        return resolve(target);
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
}
