package dev.patchbay.metrics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import io.helidon.common.parameters.Parameters;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Times every HTTP request into {@code patchbay_http_requests_seconds{method,route,status}}. The
 * sample is taken when the response is sent, so requests answered by an error handler (a
 * problem+json 404 or 400) count with the status the client saw.
 */
final class HttpRequestMetrics implements Filter {

    /** Latency buckets for a p95 panel: few, since each one is a series per route and status. */
    private static final Duration[] BUCKETS = LongStream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
            .mapToObj(Duration::ofMillis).toArray(Duration[]::new);

    private final MeterRegistry registry;

    HttpRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String method = req.prologue().method().text();
        res.whenSent(() -> {
            int status = res.status().code();
            Timer.builder("patchbay.http.requests")
                    .description("HTTP requests served, by method, route and status.")
                    .tag("method", method)
                    .tag("route", route(req, status))
                    .tag("status", Integer.toString(status))
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
        chain.proceed();
    }

    private static String route(RoutingRequest req, int status) {
        if (status == 404 || status == 405) {
            return RouteTemplate.UNMATCHED;
        }
        if (status == 401) {
            return RouteTemplate.UNAUTHORIZED; // refused by an auth filter, before any route matched
        }
        Parameters params = req.path().pathParameters();
        Map<String, String> byName = new HashMap<>();
        for (String name : params.names()) {
            byName.put(name, params.get(name));
        }
        return RouteTemplate.of(req.path().absolute().path(), byName);
    }
}
