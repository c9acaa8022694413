package dev.patchbay.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.patchbay.admin.app.AdminApi;
import io.helidon.config.Config;

/** The admin-api started in-process, reached over real HTTP. */
final class AdminUnderTest implements AutoCloseable {

    /** The operator key the tests configure for it (patchbay.admin.key). */
    static final String KEY = "e2e-operator-key";

    private final AutoCloseable server;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private AdminUnderTest(AutoCloseable server, int port) {
        this.server = server;
        this.port = port;
    }

    static AdminUnderTest start(Config config) throws Exception {
        AdminApi api = AdminApi.start(config);
        return new AdminUnderTest(api, api.port());
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A PATCH with the If-Match of the resource as it is now, as the admin API requires for updates. */
    HttpResponse<String> patch(String path, String json) throws Exception {
        String etag = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString())
                .headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag on " + path));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .header("If-Match", etag)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (Exception ignored) {
            // best effort at teardown
        }
    }
}
