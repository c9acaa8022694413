package dev.patchbay.control.testutil;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/** A real WebSocket server on loopback playing the bot; every connection and what it received are queued. */
public final class BotServer implements AutoCloseable {

    /** A close frame the bot received. */
    public record Closed(int code, String reason) { }

    private final WebServer server;
    public final BlockingQueue<Conn> connections = new LinkedBlockingQueue<>();

    public BotServer() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .addRouting(WsRouting.builder().endpoint("/bot", Conn::new))
                .build().start();
    }

    public String url() {
        return "ws://127.0.0.1:" + server.port() + "/bot";
    }

    public int port() {
        return server.port();
    }

    public Conn next(Duration timeout) throws InterruptedException {
        Conn c = connections.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (c == null) {
            throw new AssertionError("the bridge did not connect to the bot within " + timeout);
        }
        return c;
    }

    @Override
    public void close() {
        server.stop();
    }

    /** One connection from the bridge. Text arrives as String, binary as byte[], the close as {@link Closed}. */
    public final class Conn implements WsListener {
        public final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        public volatile WsSession session;
        public volatile String requestedProtocol;
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
            requestedProtocol = headers.first(HeaderNames.create("Sec-WebSocket-Protocol")).orElse(null);
            if (requestedProtocol == null) {
                return Optional.empty();
            }
            WritableHeaders<?> answer = WritableHeaders.create();
            answer.set(HeaderNames.create("Sec-WebSocket-Protocol"), requestedProtocol.split(",")[0].strip());
            return Optional.of(answer);
        }

        @Override
        public void onOpen(WsSession session) {
            this.session = session;
            connections.add(this);
        }

        @Override
        public void onMessage(WsSession session, String data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
        }

        @Override
        public void onMessage(WsSession session, BufferData data, boolean last) {
            byte[] bytes = new byte[data.available()];
            data.read(bytes);
            binary.writeBytes(bytes);
            if (last) {
                received.add(binary.toByteArray());
                binary.reset();
            }
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            received.add(new Closed(status, reason));
        }

        public void send(String message) {
            session.send(message, true);
        }

        public void send(byte[] audio) {
            session.send(BufferData.create(audio), true);
        }

        /** The next message of {@code type}, skipping others (such as media while waiting for a mark). */
        public <T> T next(Class<T> type, java.util.function.Predicate<T> wanted, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Object m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new AssertionError("the bot got no wanted " + type.getSimpleName() + " within " + timeout);
                }
                if (type.isInstance(m) && wanted.test(type.cast(m))) {
                    return type.cast(m);
                }
            }
        }

        /** The very next message, whatever it is. */
        public Object next(Duration timeout) throws InterruptedException {
            Object m = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("the bot got nothing within " + timeout);
            }
            return m;
        }
    }
}
