package dev.patchbay.control.app;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.patchbay.startup.StartupException;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up on the embedded H2 default, health, and a clear failure on a taken port. */
class ControlPlaneStartTest {

    private static Config config(Path dir, int port) {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of(
                        "patchbay.db.connection.url", "jdbc:h2:file:" + dir.resolve("db") + ";DATABASE_TO_LOWER=TRUE",
                        "patchbay.control.server.host", "127.0.0.1",
                        "patchbay.control.server.port", Integer.toString(port),
                        "patchbay.control.media.nodes", "127.0.0.1:1",
                        "patchbay.var", dir.toString())))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
    }

    @Test
    void startsOnH2AndReportsHealthWithItsMediaNodes() throws Exception {
        try (ControlPlane plane = ControlPlane.start(config(Files.createTempDirectory("cp"), 0))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + plane.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("{\"node\":\"127.0.0.1:1\",\"connected\":false}"), r.body());
        }
    }

    @Test
    void readinessFollowsTheDatabaseAndLivenessDoesNot() throws Exception {
        try (dev.patchbay.schema.testing.TestDb db = new dev.patchbay.schema.testing.TestDb()) {
            java.net.URI pg = java.net.URI.create(dev.patchbay.schema.testing.TestDb.BASE_URL.substring("jdbc:".length()));
            try (dev.patchbay.control.wss.TcpProxy proxy = new dev.patchbay.control.wss.TcpProxy(pg.getPort())) {
                String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + pg.getPath() + "?currentSchema=" + db.schema;
                Path dir = Files.createTempDirectory("cp");
                Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                        .addSource(ConfigSources.create(Map.of(
                                "patchbay.db.connection.url", url,
                                "patchbay.db.connection.username", dev.patchbay.schema.testing.TestDb.USER,
                                "patchbay.db.connection.password", dev.patchbay.schema.testing.TestDb.PASSWORD,
                                "patchbay.control.server.host", "127.0.0.1",
                                "patchbay.control.server.port", "0",
                                "patchbay.control.media.nodes", "127.0.0.1:1",
                                "patchbay.var", dir.toString())))
                        .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                        .build();
                try (ControlPlane plane = ControlPlane.start(config)) {
                    assertEquals(200, get(plane, "/health/live").statusCode());
                    HttpResponse<String> ready = get(plane, "/health/ready");
                    assertEquals(200, ready.statusCode(), ready.body());
                    assertTrue(ready.body().contains("{\"node\":\"127.0.0.1:1\",\"connected\":false}"), ready.body());

                    proxy.refuse();
                    proxy.cut(); // the database is gone, as in a network partition
                    long asked = System.nanoTime();
                    HttpResponse<String> down = get(plane, "/health/ready");
                    long tookMs = (System.nanoTime() - asked) / 1_000_000;
                    assertEquals(503, down.statusCode(), down.body());
                    assertTrue(tookMs < 3000, "a probe answers within its timeout, took " + tookMs + " ms");
                    assertEquals("application/problem+json", down.headers().firstValue("Content-Type").orElse(""));
                    assertTrue(down.body().contains("database"), down.body());
                    assertEquals(200, get(plane, "/health/live").statusCode(), "alive all the same: no restart wanted");
                }
            }
        }
    }

    private static HttpResponse<String> get(ControlPlane plane, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.port() + path))
                .timeout(java.time.Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void takenPortNamesTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            StartupException e = assertThrows(StartupException.class,
                    () -> ControlPlane.start(config(Files.createTempDirectory("cp"), taken.getLocalPort())));
            assertTrue(e.getMessage().contains("patchbay.control.server.port")
                    && e.getMessage().contains("PATCHBAY_CONTROL_SERVER_PORT")
                    && e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
        }
    }
}
