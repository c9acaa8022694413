package dev.patchbay.media.sip;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import gov.nist.javax.sip.message.SIPMessage;

/** The address Patchbay writes into SDP and Contact: the configured one, else what the kernel would use. */
final class LocalAddress {

    private LocalAddress() {
    }

    /** For an inbound request: the address it arrived on, else the one that reaches its sender. */
    static String of(String advertise, SIPMessage request) {
        if (!advertise.isEmpty()) {
            return advertise;
        }
        InetAddress local = request.getLocalAddress();
        if (local != null && !local.isAnyLocalAddress()) {
            return local.getHostAddress();
        }
        return toward(advertise, request.getRemoteAddress(), Math.max(1, request.getRemotePort()));
    }

    /** The local address that reaches {@code peer}, found by connecting (not sending) a UDP socket. */
    static String toward(String advertise, InetAddress peer, int port) {
        if (!advertise.isEmpty()) {
            return advertise;
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(peer, port));
            return probe.getLocalAddress().getHostAddress();
        } catch (IOException e) {
            return "127.0.0.1";
        }
    }
}
