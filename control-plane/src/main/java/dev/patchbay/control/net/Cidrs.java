package dev.patchbay.control.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * IP allow-lists in CIDR notation ({@code 203.0.113.0/24}, {@code 2001:db8::/32}, or a bare address
 * for one host), the way contact centres authenticate trunks without digest (Ameyo, RingCX).
 */
public final class Cidrs {

    private Cidrs() {
    }

    /** Why {@code cidr} is not a CIDR, or empty when it is; used to validate input before storing it. */
    public static Optional<String> problem(String cidr) {
        try {
            parse(cidr);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** True if {@code ip} (a literal address) lies in any of {@code cidrs}; unparsable entries match nothing. */
    public static boolean contains(List<String> cidrs, String ip) {
        byte[] address;
        try {
            address = literal(ip);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (String cidr : cidrs) {
            try {
                Block b = parse(cidr);
                if (b.matches(address)) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // validated on the way in; a bad row is ignored rather than failing every call
            }
        }
        return false;
    }

    private record Block(byte[] network, int bits) {
        boolean matches(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static Block parse(String cidr) {
        String c = cidr == null ? "" : cidr.strip();
        int slash = c.indexOf('/');
        byte[] network = literal(slash < 0 ? c : c.substring(0, slash));
        int max = network.length * 8;
        int bits = max;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(c.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("'" + c + "' has a prefix length outside 0-" + max);
            }
        }
        return new Block(network, bits);
    }

    /** Parses a literal address only: a host name here would mean a DNS lookup per INVITE. */
    private static byte[] literal(String ip) {
        String s = ip == null ? "" : ip.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty() || !(s.matches("[0-9.]+") && s.chars().filter(ch -> ch == '.').count() == 3 || s.contains(":"))
                || !s.matches("[0-9A-Fa-f:.%a-zA-Z]+")) {
            throw new IllegalArgumentException("'" + ip + "' is not an IPv4 or IPv6 address (e.g. 203.0.113.0/24)");
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + ip + "' is not an IPv4 or IPv6 address (e.g. 203.0.113.0/24)");
        }
    }
}
