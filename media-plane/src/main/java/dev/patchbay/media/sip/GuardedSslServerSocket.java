package dev.patchbay.media.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;

/**
 * jain-sip's TLS listener socket with the connection caps of {@link GuardedNetworkLayer}: the JDK's
 * TLS server socket cannot be subclassed, so this one hands every call to it and screens
 * {@link #accept()}. A refused connection is reset before its handshake costs anything.
 */
final class GuardedSslServerSocket extends SSLServerSocket {

    /** Decides on an accepted socket, closing it if refused. */
    @FunctionalInterface
    interface Admission {
        boolean admit(Socket socket) throws IOException;
    }

    private final SSLServerSocket tls;
    private final Admission admission;

    GuardedSslServerSocket(SSLServerSocket tls, Admission admission) throws IOException {
        this.tls = tls;
        this.admission = admission;
    }

    @Override
    public Socket accept() throws IOException {
        while (true) {
            Socket socket = tls.accept();
            if (admission.admit(socket)) {
                return socket;
            }
        }
    }

    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
        tls.bind(endpoint, backlog);
    }

    @Override
    public void close() throws IOException {
        tls.close();
    }

    @Override
    public boolean isClosed() {
        return tls.isClosed();
    }

    @Override
    public boolean isBound() {
        return tls.isBound();
    }

    @Override
    public InetAddress getInetAddress() {
        return tls.getInetAddress();
    }

    @Override
    public int getLocalPort() {
        return tls.getLocalPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return tls.getLocalSocketAddress();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        tls.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws IOException {
        return tls.getSoTimeout();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        tls.setReuseAddress(on);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        tls.setReceiveBufferSize(size);
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return tls.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        tls.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }

    @Override
    public String[] getSupportedProtocols() {
        return tls.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return tls.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        tls.setEnabledProtocols(protocols);
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        tls.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return tls.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        tls.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return tls.getWantClientAuth();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        tls.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return tls.getUseClientMode();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        tls.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return tls.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return tls.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        tls.setSSLParameters(params);
    }

    @Override
    public String toString() {
        return tls.toString();
    }
}
