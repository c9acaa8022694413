package dev.patchbay.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import dev.patchbay.control.delivery.WebhookSigner;

/** A real HTTP server on loopback that takes callbacks, as a bot platform's callback URL would. */
final class CallbackReceiver implements AutoCloseable {

    record Received(String body, String timestamp, String signature) {
        /** True if the signature verifies with the secret in {@code keyFile}. */
        boolean verifiedWith(Path keyFile) throws IOException {
            byte[] secret = Files.readString(keyFile).strip().getBytes(StandardCharsets.UTF_8);
            return WebhookSigner.verify(secret, timestamp, signature, body, Instant.now(), WebhookSigner.DEFAULT_TOLERANCE);
        }

        /** True if the signature verifies with {@code secret} itself. */
        boolean verifiedWith(String secret) {
            return WebhookSigner.verify(secret.getBytes(StandardCharsets.UTF_8), timestamp, signature, body, Instant.now(),
                    WebhookSigner.DEFAULT_TOLERANCE);
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    CallbackReceiver() {
        this("127.0.0.1");
    }

    /** Listening on {@code host}, e.g. an address a network namespace can reach. */
    CallbackReceiver(String host) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/cb", ex -> {
            received.add(new Received(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    ex.getRequestHeaders().getFirst(WebhookSigner.TIMESTAMP_HEADER),
                    ex.getRequestHeaders().getFirst(WebhookSigner.SIGNATURE_HEADER)));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
    }

    String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + "/cb";
    }

    Received next(Duration timeout) throws InterruptedException {
        Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no callback arrived within " + timeout);
        }
        return r;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
