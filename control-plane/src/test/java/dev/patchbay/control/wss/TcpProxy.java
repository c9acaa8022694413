package dev.patchbay.control.wss;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP forwarder whose connections a test can cut, as a network failure would (no close frame), or
 * hold: while held, nothing more is read from the client, as from a peer too busy to read.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;
    private final Object gate = new Object();
    private boolean holding; // guarded by gate

    public TcpProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (refusing) {
                    client.setSoLinger(true, 0);
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pipe(client, upstream, true));
                Thread.ofVirtual().start(() -> pipe(upstream, client, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean fromClient) {
        byte[] chunk = new byte[16 << 10];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (true) {
                if (fromClient) {
                    awaitRelease();
                }
                int n = in.read(chunk);
                if (n < 0) {
                    return;
                }
                out.write(chunk, 0, n);
            }
        } catch (IOException | InterruptedException e) {
            // cut
        }
    }

    private void awaitRelease() throws InterruptedException {
        synchronized (gate) {
            while (holding) {
                gate.wait();
            }
        }
    }

    /** Reads nothing more from the clients until {@link #release()}: their sends fill the socket buffers. */
    public void hold() {
        synchronized (gate) {
            holding = true;
        }
    }

    public void release() {
        synchronized (gate) {
            holding = false;
            gate.notifyAll();
        }
    }

    /** Resets every forwarded connection. */
    public void cut() throws IOException {
        for (Socket s : open) {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
                s.close();
            }
        }
        open.clear();
    }

    /** New connections are reset at once. */
    public void refuse() {
        refusing = true;
    }

    @Override
    public void close() throws IOException {
        release();
        server.close();
        cut();
    }
}
