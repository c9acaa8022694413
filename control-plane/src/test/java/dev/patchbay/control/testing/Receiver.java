package dev.patchbay.control.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP receiver on port 0 for tests: records every request and answers with what
 * {@code answer} returns. Handlers run on virtual threads, so a slow answer blocks nobody else.
 */
public final class Receiver implements AutoCloseable {

    /** One request as received; header names are lower-case. */
    public record Request(String method, String path, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /** What to answer: status, extra headers, body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer of(int status) {
            return new Answer(status, Map.of(), "");
        }

        public static Answer of(int status, String contentType, String body) {
            return new Answer(status, Map.of("Content-Type", contentType), body);
        }

        public static Answer redirect(int status, String location) {
            return new Answer(status, Map.of("Location", location), "");
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> answer;

    public Receiver(InetAddress bind, Function<Request, Answer> answer) throws IOException {
        this(bind, 0, answer);
    }

    public Receiver(InetAddress bind, int port, Function<Request, Answer> answer) throws IOException {
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                Map<String, String> headers = new java.util.HashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
                Request r = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
                        new String(in.readAllBytes(), StandardCharsets.UTF_8));
                requests.add(r);
                Answer a = this.answer.apply(r);
                a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    exchange.getResponseBody().write(body);
                }
            } catch (IOException e) {
                // the client went away (a timeout test); nothing to answer
            }
        });
        server.start();
    }

    public static Receiver loopback(Function<Request, Answer> answer) throws IOException {
        return new Receiver(InetAddress.getLoopbackAddress(), answer);
    }

    public void answer(Function<Request, Answer> answer) {
        this.answer = answer;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://<bound address>:<port><path>}. */
    public URI url(String path) {
        InetAddress a = server.getAddress().getAddress();
        String host = a instanceof java.net.Inet6Address ? "[" + a.getHostAddress().replaceAll("%.*$", "") + "]" : a.getHostAddress();
        return URI.create("http://" + host + ":" + port() + path);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
