package dev.patchbay.control.trunk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP digest as SIP uses it (RFC 3261 section 22, RFC 7616, RFC 8760): the two algorithms Patchbay
 * verifies, the response computation with {@code qop=auth}, and the fields of an Authorization header.
 */
public final class SipDigest {

    /** RFC 8760 lets a UAS offer both; SHA-256 first, MD5 for older clients such as SIPp. */
    public enum Algorithm {
        SHA_256("SHA-256"), MD5("MD5");

        private final String wire;

        Algorithm(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        /** A missing algorithm parameter means MD5 (RFC 7616 section 3.4); "-sess" variants are not offered. */
        static Optional<Algorithm> fromWire(String value) {
            if (value == null) {
                return Optional.of(MD5);
            }
            for (Algorithm a : values()) {
                if (a.wire.equalsIgnoreCase(value.strip())) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }

        String hex(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance(wire).digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(wire + " is not available in this JDK", e);
            }
        }
    }

    /** The fields of one {@code Authorization: Digest …} header; {@code response} is never printed. */
    public record Credentials(String username, String realm, String nonce, String uri, String response,
                              Algorithm algorithm, String qop, String nc, String cnonce) {
        @Override
        public String toString() {
            return "Credentials[username=" + username + ", realm=" + realm + ", algorithm=" + algorithm.wire() + "]";
        }
    }

    private SipDigest() {
    }

    /**
     * The response for {@code qop=auth}: H(H(user:realm:password):nonce:nc:cnonce:auth:H(method:uri)).
     * Without qop (RFC 2069 clients) it is H(HA1:nonce:HA2).
     */
    public static String response(Algorithm a, String username, String realm, String password, String method, String uri,
                                  String nonce, String nc, String cnonce, String qop) {
        String ha1 = a.hex(username + ":" + realm + ":" + password);
        String ha2 = a.hex(method + ":" + uri);
        return qop == null ? a.hex(ha1 + ":" + nonce + ":" + ha2)
                : a.hex(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    /** Whether {@code c} proves knowledge of {@code password}; compared in constant time. */
    public static boolean matches(Credentials c, String password, String method) {
        String expected = response(c.algorithm(), c.username(), c.realm(), password, method, c.uri(), c.nonce(), c.nc(),
                c.cnonce(), c.qop());
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                c.response().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Parses {@code Digest username="…", realm="…", …}. Empty when the scheme is not Digest, a required
     * field is missing, the algorithm is not offered, or qop is something other than auth.
     */
    public static Optional<Credentials> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Digest", 0, 6) || !Character.isWhitespace(h.charAt(6))) {
            return Optional.empty();
        }
        Map<String, String> p = params(h.substring(7));
        if (p == null) {
            return Optional.empty();
        }
        Optional<Algorithm> algorithm = Algorithm.fromWire(p.get("algorithm"));
        String qop = p.get("qop");
        boolean complete = p.get("username") != null && p.get("realm") != null && p.get("nonce") != null
                && p.get("uri") != null && p.get("response") != null;
        if (!complete || algorithm.isEmpty() || qop != null && (!qop.equalsIgnoreCase("auth")
                || p.get("nc") == null || p.get("cnonce") == null)) {
            return Optional.empty();
        }
        return Optional.of(new Credentials(p.get("username"), p.get("realm"), p.get("nonce"), p.get("uri"),
                p.get("response"), algorithm.get(), qop == null ? null : "auth", p.get("nc"), p.get("cnonce")));
    }

    /** {@code name=token} or {@code name="quoted \" string"}, comma-separated; null when malformed. */
    private static Map<String, String> params(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i)))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                return null;
            }
            String name = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                i++;
                while (i < n && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                if (i >= n) {
                    return null; // unterminated quoted-string
                }
                i++;
            } else {
                while (i < n && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            out.putIfAbsent(name, value.toString().strip());
        }
        return out;
    }
}
