package dev.patchbay.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relays TCP from one listening address to a target, byte for byte, a virtual thread per direction.
 * The multi-host test uses it to reach the local PostgreSQL, which listens only on 127.0.0.1, from
 * its namespaces; PostgreSQL sees the relay's loopback connections, so its pg_hba rules stay as they are.
 */
final class TcpRelay implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    TcpRelay(InetSocketAddress listen, InetSocketAddress target) throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen);
        this.target = target;
        Thread.ofVirtual().name("tcp-relay-accept").start(this::accept);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket();
                try {
                    out.connect(target, 5000);
                } catch (IOException e) {
                    in.close();
                    continue;
                }
                open.add(in);
                open.add(out);
                Thread.ofVirtual().start(() -> pump(in, out));
                Thread.ofVirtual().start(() -> pump(out, in));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
            i.transferTo(o);
        } catch (IOException e) {
            // one side went away: close both below
        } finally {
            close(from);
            close(to);
        }
    }

    private void close(Socket s) {
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
        open.forEach(this::close);
    }
}
