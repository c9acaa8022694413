package dev.patchbay.media.sip;

import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Counts the TCP and TLS connections the SIP listeners hold, per source address and in total, and
 * refuses one over either cap. jain-sip closes a connection's socket when its reader ends, so a
 * closed socket is forgotten at the next accept; no hook into jain-sip's channels is needed.
 */
final class ConnectionCap {

    private static final Logger LOG = Logger.getLogger(ConnectionCap.class.getName());

    private final SourceGuard.Connections caps;
    /** Owned by the accept threads, under this object's lock. */
    private final Map<InetAddress, List<Socket>> open = new HashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private int total;

    ConnectionCap(SourceGuard.Connections caps) {
        this.caps = caps;
    }

    /** Whether {@code socket}, just accepted, may stay; if so it is counted until it closes. */
    synchronized boolean admit(Socket socket) {
        forgetClosed();
        InetAddress source = socket.getInetAddress();
        List<Socket> mine = open.computeIfAbsent(source, s -> new ArrayList<>());
        String over = total >= caps.total() ? "patchbay.sip.guard.connections.total (" + caps.total() + ")"
                : mine.size() >= caps.perSource() ? "patchbay.sip.guard.connections.per-source (" + caps.perSource() + ")" : null;
        if (over != null) {
            if (mine.isEmpty()) {
                open.remove(source);
            }
            if (refused.getAndIncrement() % 1000 == 0) {
                LOG.warning("SIP connection from " + source.getHostAddress() + " refused: over " + over + "; "
                        + refused.get() + " refused so far");
            }
            return false;
        }
        mine.add(socket);
        total++;
        return true;
    }

    /** Connections refused for a cap so far. */
    long refused() {
        return refused.get();
    }

    synchronized int open() {
        forgetClosed();
        return total;
    }

    private void forgetClosed() {
        open.values().removeIf(list -> {
            int before = list.size();
            list.removeIf(Socket::isClosed);
            total -= before - list.size();
            return list.isEmpty();
        });
    }
}
