package dev.patchbay.startup;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Locale;

/**
 * Checks a port before a server binds it, so that a clash is reported as the port and the setting to
 * change rather than as a library's bind stack trace.
 */
public final class PortGuard {

    private PortGuard() {
    }

    public static void requireTcp(String process, String host, int port, String key) {
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            // The same SO_REUSEADDR as the servers' listeners: a port in TIME_WAIT is not a busy one.
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw inUse(process, "TCP", host, port, key, e);
        }
    }

    public static void requireUdp(String process, String host, int port, String key) {
        if (port == 0) {
            return;
        }
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(host, port))) {
            s.getLocalPort();
        } catch (IOException e) {
            throw inUse(process, "UDP", host, port, key, e);
        }
    }

    private static StartupException inUse(String process, String proto, String host, int port, String key, IOException e) {
        return new StartupException(process + " cannot listen on " + proto + " " + host + ":" + port + " (" + e.getMessage()
                + "): the port is in use or not permitted; set " + key + " (env " + Settings.envName(key)
                + ") to a free port", e);
    }
}
