package dev.patchbay.control.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP relay in front of PostgreSQL that, once armed, loses the server's answer to one write: when the
 * server's CommandComplete tag (e.g. {@code INSERT 0 1} or {@code COMMIT}) comes by, the relay closes both
 * sides instead of forwarding it. The server has then done (and committed) the write, while the client sees
 * its connection break (SQLState 08006): the lost commit answer of a real network fault.
 */
final class AnswerCuttingRelay implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicReference<byte[]> armed = new AtomicReference<>();
    private final AtomicInteger cuts = new AtomicInteger();

    AnswerCuttingRelay(InetSocketAddress target) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        Thread.ofVirtual().name("answer-cutting-relay").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The next server answer carrying the CommandComplete {@code tag} is not forwarded; the connection is cut. */
    void cutNextAnswer(String tag) {
        armed.set((tag + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    /** How many answers were cut so far. */
    int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket();
                out.connect(target, 5000);
                open.add(in);
                open.add(out);
                Thread.ofVirtual().start(() -> pump(in, out, false));
                Thread.ofVirtual().start(() -> pump(out, in, true));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean answers) {
        byte[] buf = new byte[16384];
        try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
            int n;
            while ((n = i.read(buf)) > 0) {
                byte[] tag = answers ? armed.get() : null;
                // Each answer is small and comes whole on loopback; a tag split over two reads is not cut.
                if (tag != null && indexOf(buf, n, tag) >= 0 && armed.compareAndSet(tag, null)) {
                    cuts.incrementAndGet();
                    from.close();
                    to.close();
                    return;
                }
                o.write(buf, 0, n);
                o.flush();
            }
        } catch (IOException e) {
            // one side closed; close the other below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static int indexOf(byte[] buf, int n, byte[] tag) {
        outer:
        for (int i = 0; i + tag.length <= n; i++) {
            for (int j = 0; j < tag.length; j++) {
                if (buf[i + j] != tag[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(this::closeQuietly);
    }
}
