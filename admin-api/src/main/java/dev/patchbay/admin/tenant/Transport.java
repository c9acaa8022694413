package dev.patchbay.admin.tenant;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How SIP reaches a trunk; the wire names match the trunks_transport_known check. */
public enum Transport {
    UDP("udp", 5060),
    TCP("tcp", 5060),
    TLS("tls", 5061);

    /** For error messages: "udp, tcp, tls". */
    public static final String NAMES = Arrays.stream(values()).map(Transport::wire).collect(Collectors.joining(", "));

    private final String wire;
    private final int defaultPort;

    Transport(String wire, int defaultPort) {
        this.wire = wire;
        this.defaultPort = defaultPort;
    }

    public String wire() {
        return wire;
    }

    /** RFC 3261 section 19.1.2: 5060 for sip over UDP and TCP, 5061 for TLS. */
    public int defaultPort() {
        return defaultPort;
    }

    public static Optional<Transport> fromWire(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst();
    }
}
