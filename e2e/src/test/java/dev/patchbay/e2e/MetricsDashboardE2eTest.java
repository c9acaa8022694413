package dev.patchbay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.admin.app.AdminApi;
import dev.patchbay.control.app.ControlPlane;
import dev.patchbay.media.app.MediaConfig;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.metrics.Exposition;
import dev.patchbay.schema.testing.TestDb;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard in deploy/grafana/ against the three real processes: after a real SIPp
 * call to the echo bot, every metric any panel queries must be in some process's /metrics, scraped
 * over HTTP, and each process must serve its JVM, GC and HTTP meters.
 */
class MetricsDashboardE2eTest {

    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "patchbay-dashboard.json");
    /** Metric names in PromQL: ours and Micrometer's JVM/process ones. Label names never have these prefixes plus '_'. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:patchbay|jvm|process|system)_[a-zA-Z0-9_]+)");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyMetricTheDashboardQueriesIsServedByARunningProcess() throws Exception {
        Set<String> queried = queriedMetrics();
        assertTrue(queried.size() >= 25, "the dashboard queries the issue's metrics: " + queried);
        try (TestDb db = new TestDb()) {
            Map<String, String> dbKeys = Map.of("patchbay.db.connection.url", db.url(),
                    "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD);
            AdminApi admin = AdminApi.start(ModuleConfig.of("admin-api", dbKeys, Map.of(
                    "patchbay.admin.server.host", "127.0.0.1", "patchbay.admin.server.port", "0",
                    "patchbay.admin.key", "e2e-operator-key-0123456789abcdef", "patchbay.local", "true", "patchbay.demo.seed", "true")));
            int sipPort = Ports.freeUdpAndTcp();
            int rtpBase = Ports.rtpBase(200);
            MediaConfig d = MediaConfig.defaults();
            MediaPlane media = MediaPlane.start(d.withSipHost("127.0.0.1").withSipPort(sipPort).withSipThreads(4)
                    .withRtpHost("127.0.0.1").withRtpPorts(rtpBase, rtpBase + 199).withMediaLoops(1)
                    .withGrpcHost("127.0.0.1").withGrpcPort(0).withObservePort(0)
                    .withRouteTimeout(Duration.ofSeconds(5)).withRingTimeout(Duration.ofSeconds(10)).withAckTimeout(Duration.ofSeconds(10))
                    .withDrainTimeout(Duration.ofSeconds(2)).withTls(d.tls().withPort(0))
                    .withRecordings(Files.createTempDirectory("patchbay-rec")));
            ControlPlane control = ControlPlane.start(ModuleConfig.of("control-plane", dbKeys, Map.of(
                    "patchbay.control.server.host", "127.0.0.1", "patchbay.control.server.port", "0",
                    "patchbay.control.media.nodes", "127.0.0.1:" + media.grpcPort())));
            try {
                Await.until(() -> media.hub().connected() == 1, Duration.ofSeconds(15), "the control-plane to connect to the media-plane");
                Path dir = Sipp.workDir();
                Sipp.Result r = Sipp.run(dir, List.of("-sn", "uac_pcap", "127.0.0.1:" + sipPort, "-s", "echo", "-m", "1",
                        "-i", "127.0.0.1", "-p", Integer.toString(SippPorts.freePort()),
                        "-mp", Integer.toString(SippPorts.freeEvenPort())));
                assertEquals(0, r.exitCode(), r.output());
                Await.until(() -> scrape(media.observePort()).sum("patchbay_rtp_packets_total", "direction", "in") > 0,
                        Duration.ofSeconds(15), "the call's RTP counters to reach the media-plane's metrics");

                scrape(control.port()); // a request is counted once its response is sent: the next scrape shows it
                scrape(admin.port());
                Map<String, Exposition> byProcess = Map.of(
                        "media-plane", scrape(media.observePort()),
                        "control-plane", scrape(control.port()),
                        "admin-api", scrape(admin.port()));
                Set<String> served = new TreeSet<>();
                byProcess.forEach((process, scraped) -> {
                    assertTrue(scraped.names().contains("jvm_memory_used_bytes"), process + " serves JVM memory");
                    assertTrue(scraped.names().contains("jvm_gc_memory_allocated_bytes_total")
                            || scraped.names().contains("jvm_gc_pause_seconds_count"), process + " serves GC meters");
                    assertTrue(scraped.sum("patchbay_http_requests_seconds_count", "route", "/metrics", "status", "200",
                            "process", process) >= 1, process + " counts its own HTTP requests by route and status");
                    served.addAll(scraped.names());
                });
                Set<String> missing = new TreeSet<>(queried);
                missing.removeAll(served);
                assertTrue(missing.isEmpty(), "queried by the dashboard but served by no process: " + missing);

                Exposition mp = byProcess.get("media-plane");
                assertEquals(1.0, mp.sum("patchbay_sip_invite_responses_total", "direction", "in", "status", "200"));
                assertEquals(1.0, mp.sum("patchbay_call_setup_seconds_count", "direction", "in"));
                assertTrue(mp.sum("patchbay_rtp_packets_total", "direction", "out") > 0, "echoed packets counted");
                assertEquals(1.0, mp.sum("patchbay_bot_streams_attached_total"), "the echo bot's attach");
                assertEquals(1.0, mp.sum("patchbay_calls_ended_total", "cause", "CALLER_BYE"));
                assertEquals(1.0, byProcess.get("control-plane").sum("patchbay_media_nodes", "connected", "true"));
                assertFalse(mp.first("patchbay_calls_active").orElseThrow().labels().get("node").isEmpty(), "calls carry the node");
            } finally {
                control.close();
                media.close();
                admin.close();
            }
        }
    }

    private static Set<String> queriedMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.path("expr").asText());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    private Exposition scrape(int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return Exposition.parse(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
