package dev.patchbay.metrics;

import java.util.ArrayList;
import java.util.List;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One process's meters: a Prometheus registry of its own (never Micrometer's global one, so
 * several processes can run in one test JVM), JVM and GC meters, and the {@code /metrics} route.
 * Every series carries {@code process} (media-plane, control-plane, admin-api), so one dashboard can
 * tell the processes apart however the scrape jobs are named.
 */
public final class ProcessMetrics implements AutoCloseable {

    /** Prometheus text format 0.0.4, what every scraper reads. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private ProcessMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /** A registry tagged {@code process=<process>} plus {@code extraTags} (name, value pairs). */
    public static ProcessMetrics create(String process, String... extraTags) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<Tag> tags = new ArrayList<>();
        tags.add(Tag.of("process", process));
        for (int i = 0; i + 1 < extraTags.length; i += 2) {
            tags.add(Tag.of(extraTags[i], extraTags[i + 1]));
        }
        registry.config().commonTags(tags);
        ProcessMetrics metrics = new ProcessMetrics(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        metrics.closeables.add(gc);
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
            binder.bindTo(registry);
        }
        return metrics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Adds HTTP request timing by route and status for every route of {@code routing}, and
     * {@code GET /metrics}. Call it first, so the filter sees the requests of every later route.
     */
    public void routing(HttpRouting.Builder routing) {
        routing.addFilter(new HttpRequestMetrics(registry));
        routing.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
            res.send(registry.scrape());
        });
    }

    /** The exposition text, as {@code GET /metrics} serves it. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // a GC listener that fails to unregister leaves nothing to clean up
            }
        }
        registry.close();
    }
}
