package dev.patchbay.admin.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A server-sent-events reader over a real socket, as strict as the format: each event is its lines up to a
 * blank one, kept raw, so a test sees the framing and not only the parsed result. Sends the key as the
 * console does (Authorization header), never in the URL.
 */
public final class SseClient implements AutoCloseable {

    /** One event: its raw lines (without the blank line ending it), name and data. */
    public record Event(List<String> lines, String name, String data) {
        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(data);
            } catch (IOException e) {
                throw new AssertionError("event data is not JSON: " + data, e);
            }
        }
    }

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;

    public SseClient(int port, String path, String key) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").build();
        response = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
        reader = Thread.ofVirtual().name("sse-reader").start(this::read);
    }

    public int status() {
        return response.statusCode();
    }

    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isEmpty()) {
                    lines.add(line);
                    continue;
                }
                String name = "message";
                StringBuilder data = new StringBuilder();
                for (String l : lines) {
                    if (l.startsWith("event:")) {
                        name = l.substring(6).strip();
                    } else if (l.startsWith("data:")) {
                        data.append(data.isEmpty() ? "" : "\n").append(l.substring(5).strip());
                    }
                }
                events.add(new Event(List.copyOf(lines), name, data.toString()));
                lines.clear();
            }
        } catch (IOException e) {
            // Closed by the test or the server: the queue simply gets no more events.
        }
    }

    /** The next event (comments-only blocks included) within {@code wait}, or an AssertionError. */
    public Event next(Duration wait) throws InterruptedException {
        Event e = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no event within " + wait);
        }
        return e;
    }

    /** The next {@code calls} event within {@code wait}, skipping comments. */
    public Event nextCalls(Duration wait) throws InterruptedException {
        long until = System.nanoTime() + wait.toNanos();
        while (true) {
            Event e = next(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            if (e.name().equals("calls")) {
                return e;
            }
        }
    }

    @Override
    public void close() throws IOException {
        response.body().close();
        reader.interrupt();
    }
}
