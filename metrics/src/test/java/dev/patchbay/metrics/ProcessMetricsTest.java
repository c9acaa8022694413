package dev.patchbay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

class ProcessMetricsTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void routeTemplatePutsParametersBack() {
        assertEquals("/v1/calls/{id}/hangup", RouteTemplate.of("/v1/calls/CA1/hangup", Map.of("id", "CA1")));
        assertEquals("/v1/w/{ws}/dids/{did}", RouteTemplate.of("/v1/w/ws1/dids/123", Map.of("ws", "ws1", "did", "123")));
        assertEquals("/health", RouteTemplate.of("/health", Map.of()));
    }

    @Test
    void servesJvmMetersAndHttpRequestsByRouteAndStatusOverRealHttp() throws Exception {
        try (ProcessMetrics metrics = ProcessMetrics.create("test-process", "node", "n1")) {
            WebServer server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> {
                metrics.routing(r);
                r.get("/v1/calls/{id}", (req, res) -> res.send("call " + req.path().pathParameters().get("id")));
                r.get("/boom", (req, res) -> {
                    throw new IllegalArgumentException("bad");
                });
                r.error(IllegalArgumentException.class, (req, res, e) -> res.status(400).send("bad"));
                r.any((req, res) -> res.status(404).send("none"));
            }).build().start();
            try {
                int port = server.port();
                assertEquals(200, get(port, "/v1/calls/CA1").statusCode());
                assertEquals(200, get(port, "/v1/calls/CA2").statusCode());
                assertEquals(400, get(port, "/boom").statusCode());
                assertEquals(404, get(port, "/scan/" + System.nanoTime()).statusCode());
                HttpResponse<String> scrape = get(port, "/metrics");
                assertEquals(200, scrape.statusCode());
                assertTrue(scrape.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
                String body = scrape.body();
                assertTrue(body.contains("patchbay_http_requests_seconds_count{method=\"GET\",node=\"n1\",process=\"test-process\","
                        + "route=\"/v1/calls/{id}\",status=\"200\"} 2"), body);
                assertTrue(body.contains("route=\"/boom\",status=\"400\"} 1"), body);
                assertTrue(body.contains("route=\"unmatched\",status=\"404\"} 1"), body);
                assertFalse(body.contains("/scan/"), body);
                assertTrue(body.contains("jvm_memory_used_bytes{"), body);
                assertTrue(body.contains("jvm_gc_"), body);
                assertTrue(body.contains("jvm_threads_live_threads{"), body);
                assertTrue(body.contains("process_cpu_usage{"), body);
            } finally {
                server.stop();
            }
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
