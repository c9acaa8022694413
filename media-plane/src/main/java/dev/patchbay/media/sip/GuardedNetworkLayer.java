package dev.patchbay.media.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.util.Properties;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import dev.patchbay.media.loop.NanoClock;
import gov.nist.core.net.DefaultNetworkLayer;
import gov.nist.core.net.NetworkLayer;
import gov.nist.core.net.SslNetworkLayer;
import gov.nist.javax.sip.SipStackImpl;

/**
 * jain-sip's sockets with the {@link SourceGuard} in front of the stack (property
 * {@code gov.nist.javax.sip.NETWORK_LAYER}):
 * <ul>
 * <li>the UDP listener drops a datagram over its source's rate inside {@code receive}, before
 *     jain-sip copies it into a fresh 64 KiB buffer, queues it and parses it. Past the guard the
 *     stack only ever holds what the rates allow, so one source's flood cannot fill the queue that
 *     every other source's requests wait in (issue 20: a 5,000/s flood from one address left a
 *     caller from another unanswered, because the guard ran only after the parse);</li>
 * <li>the TCP and TLS listeners reset a connection over {@link ConnectionCap}'s caps as soon as it
 *     is accepted, and give each accepted socket a read timeout, which jain-sip's reader takes as the
 *     end of the connection: an idle connection is closed.</li>
 * </ul>
 * Outgoing sockets are jain-sip's own. jain-sip instantiates this class by name, then
 * {@link SipServer} hands it the guard with {@link #use} before any listening point exists.
 */
public final class GuardedNetworkLayer implements NetworkLayer {

    private NetworkLayer sockets;
    private SourceGuard guard;
    private ConnectionCap connections;
    private NanoClock clock;
    /** The start-up rehearsal's socket while it runs: its datagrams take no source's tokens. */
    private volatile InetSocketAddress exempt;

    /** For jain-sip, which creates the layer by name. */
    public GuardedNetworkLayer() {
        // configured in setSipStack and use
    }

    /** The guard the listeners consult; call before creating listening points. */
    void use(SourceGuard sourceGuard, NanoClock nanoClock) {
        this.guard = sourceGuard;
        this.clock = nanoClock;
        this.connections = new ConnectionCap(sourceGuard.settings().connections());
    }

    /** Lets {@code source}'s datagrams past the rate limit (the rehearsal's socket), or none with null. */
    void exempt(InetSocketAddress source) {
        this.exempt = source;
    }

    /** TCP and TLS connections the listeners hold now. */
    int openConnections() {
        return connections.open();
    }

    /** TCP and TLS connections refused for a cap so far. */
    long refusedConnections() {
        return connections.refused();
    }

    @Override
    public void setSipStack(SipStackImpl stack) {
        // Naming a network layer replaces the TLS one jain-sip would build from these same properties.
        Properties p = stack.getConfigurationProperties();
        String keyStore = p.getProperty("javax.net.ssl.keyStore");
        if (keyStore == null) {
            sockets = DefaultNetworkLayer.SINGLETON;
            return;
        }
        char[] password = p.getProperty("javax.net.ssl.keyStorePassword", "").toCharArray();
        try {
            sockets = new SslNetworkLayer(stack, p.getProperty("javax.net.ssl.trustStore", keyStore), keyStore,
                    password, p.getProperty("javax.net.ssl.trustStorePassword", new String(password)).toCharArray(),
                    p.getProperty("javax.net.ssl.keyStoreType"), p.getProperty("javax.net.ssl.trustStoreType"));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot load the SIP TLS keystore " + keyStore + ": " + e.getMessage()
                    + "; check patchbay.sip.tls.keystore and .password", e);
        }
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress address) throws SocketException {
        return new GuardedDatagramSocket(port, address);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
        return new GuardedServerSocket(port, backlog, address);
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress address) throws IOException {
        return new GuardedSslServerSocket(sockets.createSSLServerSocket(port, backlog, address), this::admit);
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return sockets.createSocket(address, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        return sockets.createSocket(address, port, localAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress, int myPort) throws IOException {
        return sockets.createSocket(address, port, myAddress, myPort);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        return sockets.createSSLSocket(address, port);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        return sockets.createSSLSocket(address, port, localAddress);
    }

    @Override
    public DatagramSocket createDatagramSocket() throws SocketException {
        return sockets.createDatagramSocket();
    }

    /**
     * Whether an accepted connection stays: if so it gets the idle timeout, if not it is reset
     * (linger 0), so the peer learns at once and no FIN_WAIT state lingers here.
     */
    private boolean admit(Socket socket) throws IOException {
        if (connections.admit(socket)) {
            socket.setSoTimeout((int) guard.settings().connections().idle().toMillis());
            return true;
        }
        socket.setSoLinger(true, 0);
        socket.close();
        return false;
    }

    /** The UDP listener: datagrams over their source's rate are dropped here, unread by jain-sip. */
    private final class GuardedDatagramSocket extends DatagramSocket {

        GuardedDatagramSocket(int port, InetAddress address) throws SocketException {
            super(port, address);
        }

        @Override
        public void receive(DatagramPacket packet) throws IOException {
            int capacity = packet.getLength();
            while (true) {
                super.receive(packet);
                InetSocketAddress skip = exempt;
                if (skip != null && packet.getPort() == skip.getPort() && skip.getAddress().equals(packet.getAddress())
                        || guard.admitDatagram(packet.getAddress(), clock.nanos())) {
                    return;
                }
                packet.setLength(capacity); // the next datagram may use the whole buffer again
            }
        }
    }

    /** The TCP listener: connections over a cap are reset before jain-sip starts a reader for them. */
    private final class GuardedServerSocket extends ServerSocket {

        GuardedServerSocket(int port, int backlog, InetAddress address) throws IOException {
            super(port, backlog, address);
        }

        @Override
        public Socket accept() throws IOException {
            while (true) {
                Socket socket = super.accept();
                if (admit(socket)) {
                    return socket;
                }
            }
        }
    }
}
