package dev.patchbay.admin.tenant;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Which way a trunk carries calls, with the fields only that direction has. */
public sealed interface TrunkSide {

    /** The wire name, as in {@code trunks.direction}. */
    String direction();

    /**
     * Where the workspace's calls go (the only kind before V8).
     *
     * @param host             a host name (lower case), an IPv4 literal, or an IPv6 literal in brackets
     * @param callerId         the trunk's E.164 caller ID, or null
     * @param callerIdOverride whether a call's own from is used; false pins every call to {@code callerId}
     */
    record Outbound(String host, int port, Transport transport, String callerId, boolean callerIdOverride) implements TrunkSide {
        @Override
        public String direction() {
            return "outbound";
        }
    }

    /**
     * Who may call the workspace's DIDs: an INVITE from one of {@code allowedCidrs} over one of
     * {@code transports}, or one carrying the trunk's digest credentials.
     */
    record Inbound(List<String> allowedCidrs, Set<Transport> transports, boolean tlsRequired) implements TrunkSide {
        public Inbound {
            allowedCidrs = List.copyOf(allowedCidrs);
            transports = Set.copyOf(transports);
        }

        @Override
        public String direction() {
            return "inbound";
        }

        /** The stored form, in udp, tcp, tls order. */
        public String transportsText() {
            return Arrays.stream(Transport.values()).filter(transports::contains).map(Transport::wire)
                    .collect(Collectors.joining(","));
        }
    }
}
