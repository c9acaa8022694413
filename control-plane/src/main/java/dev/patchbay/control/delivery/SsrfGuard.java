package dev.patchbay.control.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps webhooks and callbacks from reaching the gateway's own network. A URL passes only if its
 * scheme is allowed, it carries no userinfo, and every address its host resolves to is public (or
 * of a class the operator allowed). Callers check again right before each connection and on every
 * redirect hop, since DNS answers can change between enqueue and delivery.
 */
public final class SsrfGuard {

    /** Resolves a host name; {@link InetAddress#getAllByName} in production. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** What the guard decided about one URL. */
    public sealed interface Verdict {
        /** Safe to connect; {@code addresses} are what the host resolved to just now. */
        record Allowed(URI url, List<InetAddress> addresses) implements Verdict { }

        /** Refused by policy; retrying will not help until the URL or the config changes. */
        record Refused(String reason) implements Verdict { }

        /** The host did not resolve; may be transient. */
        record Unresolved(String reason) implements Verdict { }
    }

    /** Address classes, each with the config key that allows it (null: never allowed). */
    enum AddressClass {
        PUBLIC("public", null),
        LOOPBACK("loopback", OutboundPolicy.ALLOW_LOOPBACK),
        PRIVATE("private", OutboundPolicy.ALLOW_PRIVATE),
        LINK_LOCAL("link-local", OutboundPolicy.ALLOW_LINK_LOCAL),
        METADATA("cloud metadata service", null),
        UNSPECIFIED("unspecified", null),
        MULTICAST("multicast", null),
        RESERVED("reserved or broadcast", null);

        final String label;
        final String allowKey;

        AddressClass(String label, String allowKey) {
            this.label = label;
            this.allowKey = allowKey;
        }
    }

    public static final Set<String> HTTP_SCHEMES = Set.of("http", "https");
    public static final Set<String> WEBSOCKET_SCHEMES = Set.of("ws", "wss");

    private final OutboundPolicy policy;
    private final Resolver resolver;

    public SsrfGuard(OutboundPolicy policy, Resolver resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    public SsrfGuard(OutboundPolicy policy) {
        this(policy, InetAddress::getAllByName);
    }

    public OutboundPolicy policy() {
        return policy;
    }

    /** Checks an http(s) URL, resolving its host now. */
    public Verdict check(URI url) {
        return check(url, HTTP_SCHEMES);
    }

    /** Checks a URL whose scheme must be one of {@code schemes}, resolving its host now. */
    public Verdict check(URI url, Set<String> schemes) {
        String syntax = syntaxProblem(url, schemes);
        if (syntax != null) {
            return new Verdict.Refused(syntax);
        }
        String host = bareHost(url);
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return new Verdict.Unresolved("host '" + host + "' of " + redacted(url) + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            return new Verdict.Unresolved("host '" + host + "' of " + redacted(url) + " resolves to no address");
        }
        // All addresses, not the first: the client may connect to any of them.
        for (InetAddress a : addresses) {
            AddressClass c = classify(a);
            if (!allowed(c)) {
                String remedy = c.allowKey == null
                        ? "this class is never allowed; use a public address"
                        : "set " + c.allowKey + "=true if this destination is intended";
                return new Verdict.Refused("host '" + host + "' of " + redacted(url) + " resolves to "
                        + a.getHostAddress() + ", a " + c.label + " address; " + remedy);
            }
        }
        return new Verdict.Allowed(url, List.of(addresses));
    }

    /** Null when {@code url} is well-formed for outgoing use, else why not. Needs no DNS. */
    public static String syntaxProblem(URI url, Set<String> schemes) {
        if (url == null) {
            return "no URL given";
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!schemes.contains(scheme)) {
            return "URL scheme '" + scheme + "' of " + redacted(url) + " is not allowed; use one of " + schemes;
        }
        if (url.getRawUserInfo() != null || (url.getRawAuthority() != null && url.getRawAuthority().contains("@"))) {
            return "URL " + redacted(url) + " carries userinfo; pass credentials another way";
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            return "URL " + redacted(url) + " has no valid host name";
        }
        return null;
    }

    private boolean allowed(AddressClass c) {
        return switch (c) {
            case PUBLIC -> true;
            case LOOPBACK -> policy.allowLoopback();
            case PRIVATE -> policy.allowPrivate();
            case LINK_LOCAL -> policy.allowLinkLocal();
            case METADATA, UNSPECIFIED, MULTICAST, RESERVED -> false;
        };
    }

    static AddressClass classify(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return classifyV4(b);
        }
        if (address instanceof Inet6Address) {
            return classifyV6(b);
        }
        return AddressClass.RESERVED;
    }

    private static AddressClass classifyV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 169 && a1 == 254 && (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254) {
            return AddressClass.METADATA;
        }
        if (a0 == 0) {
            return AddressClass.UNSPECIFIED;
        }
        if (a0 == 127) {
            return AddressClass.LOOPBACK;
        }
        if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)
                || (a0 == 100 && a1 >= 64 && a1 <= 127) // CGNAT, RFC 6598
                || (a0 == 198 && (a1 == 18 || a1 == 19)) // benchmarking, often used internally
                || (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0)) { // IETF protocol assignments
            return AddressClass.PRIVATE;
        }
        if (a0 == 169 && a1 == 254) {
            return AddressClass.LINK_LOCAL;
        }
        if (a0 >= 224 && a0 <= 239) {
            return AddressClass.MULTICAST;
        }
        if (a0 >= 240) {
            return AddressClass.RESERVED; // includes 255.255.255.255
        }
        return AddressClass.PUBLIC;
    }

    private static AddressClass classifyV6(byte[] b) {
        boolean first10Zero = true;
        for (int i = 0; i < 10; i++) {
            first10Zero &= b[i] == 0;
        }
        boolean mapped = first10Zero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = first10Zero && b[10] == 0 && b[11] == 0;
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 12);
        if (compatible) {
            boolean rest = allZero(b, 12, 15);
            if (rest && b[15] == 0) {
                return AddressClass.UNSPECIFIED;
            }
            if (rest && b[15] == 1) {
                return AddressClass.LOOPBACK;
            }
        }
        // An embedded IPv4 address reaches that IPv4 host: judge it by that address.
        if (mapped || compatible || nat64) {
            return classifyV4(new byte[] {b[12], b[13], b[14], b[15]});
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (b0 == 0xfd && b1 == 0x00 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2
                && allZero(b, 4, 14) && b[14] == 0x02 && (b[15] & 0xff) == 0x54) {
            return AddressClass.METADATA; // fd00:ec2::254, the AWS IPv6 metadata address
        }
        if (b0 == 0xff) {
            return AddressClass.MULTICAST;
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return AddressClass.LINK_LOCAL; // fe80::/10
        }
        if ((b0 & 0xfe) == 0xfc || (b0 == 0xfe && (b1 & 0xc0) == 0xc0)) {
            return AddressClass.PRIVATE; // fc00::/7 ULA, fec0::/10 old site-local
        }
        return AddressClass.PUBLIC;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String bareHost(URI url) {
        String h = url.getHost();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** The host of {@code url} for log lines, or the raw text when it does not parse. */
    public static String hostOf(String url) {
        try {
            String h = URI.create(url).getHost();
            return h == null ? url : h;
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    /** The URL without query and fragment, which may hold tokens, for messages and logs. */
    public static String redacted(URI url) {
        if (url == null) {
            return "(none)";
        }
        String s = url.getScheme() + "://" + (url.getRawAuthority() == null ? "" : url.getRawAuthority().replaceAll("^.*@", "***@"))
                + (url.getRawPath() == null ? "" : url.getRawPath());
        return url.getRawQuery() == null ? s : s + "?…";
    }
}
