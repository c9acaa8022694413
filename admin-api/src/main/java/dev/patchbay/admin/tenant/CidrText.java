package dev.patchbay.admin.tenant;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Validates allow-list entries before they are stored; the control-plane matches them per INVITE. */
public final class CidrText {

    private CidrText() {
    }

    /** Why {@code cidr} is not an address or CIDR, or null when it is. Literal addresses only, so routing never waits for DNS. */
    public static String problem(String cidr) {
        String expected = "must be an IPv4 or IPv6 address or CIDR, e.g. 203.0.113.0/24 or 2001:db8::/32";
        int slash = cidr.indexOf('/');
        String ip = slash < 0 ? cidr : cidr.substring(0, slash);
        boolean v4 = ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = ip.contains(":") && ip.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return expected;
        }
        byte[] address;
        try {
            address = InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            return expected;
        }
        if (slash >= 0) {
            String bits = cidr.substring(slash + 1);
            if (!bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > address.length * 8) {
                return "has a prefix length outside 0-" + address.length * 8;
            }
        }
        return null;
    }
}
