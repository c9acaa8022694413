package dev.patchbay.admin.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JDK HTTP client against one admin-api on loopback, with or without the operator key. */
public final class ApiClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();
    private final URI base;
    private final String key;

    public ApiClient(int port, String key) {
        this.base = URI.create("http://127.0.0.1:" + port);
        this.key = key;
    }

    /** The same server, presenting another key (null: no Authorization header). */
    public ApiClient withKey(String otherKey) {
        return new ApiClient(base.getPort(), otherKey);
    }

    public Reply get(String path) {
        return send(request(path).GET());
    }

    public Reply delete(String path) {
        return send(request(path).DELETE());
    }

    public Reply put(String path, String body) {
        return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"));
    }

    /** A conditional PUT; {@code ifMatch} null sends no If-Match. */
    public Reply put(String path, String body, String ifMatch) {
        HttpRequest.Builder req = request(path).PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        return send(ifMatch == null ? req : req.header("If-Match", ifMatch));
    }

    /** A PATCH; {@code ifMatch} null sends no If-Match. */
    public Reply patch(String path, String body, String ifMatch) {
        HttpRequest.Builder req = request(path).method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        return send(ifMatch == null ? req : req.header("If-Match", ifMatch));
    }

    /** A PATCH made the way a careful client makes it: with the If-Match of the resource as it is now. */
    public Reply patch(String path, String body) {
        return patch(path, body, get(path).headers().firstValue("ETag").orElse(null));
    }

    public Reply post(String path, String body) {
        return post(path, body, "application/json");
    }

    public Reply post(String path, String body, String contentType) {
        HttpRequest.Builder req = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            req.header("Content-Type", contentType);
        }
        return send(req);
    }

    public Reply send(HttpRequest.Builder req) {
        try {
            HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(res.statusCode(), res.headers().firstValue("Content-Type"),
                    res.headers().firstValue("Location"), res.headers().firstValue("WWW-Authenticate"),
                    res.body(), json, res.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
        if (key != null) {
            req.header("Authorization", "Bearer " + key);
        }
        return req;
    }

    /** One response. */
    public record Reply(int status, Optional<String> contentType, Optional<String> location,
                        Optional<String> wwwAuthenticate, String body, ObjectMapper mapper,
                        java.net.http.HttpHeaders headers) {

        /** Any response header, by name. */
        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        public JsonNode json() {
            try {
                return mapper.readTree(body);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        /** The ETag header; fails the test when there is none. */
        public String etag() {
            return header("ETag").orElseThrow(() -> new AssertionError("no ETag: " + this));
        }

        /** The {@code field} names of a problem's {@code errors}, in order. */
        public java.util.List<String> errorFields() {
            java.util.List<String> fields = new java.util.ArrayList<>();
            json().path("errors").forEach(e -> fields.add(e.path("field").asText()));
            return fields;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
