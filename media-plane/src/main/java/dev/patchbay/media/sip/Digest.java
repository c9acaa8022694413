package dev.patchbay.media.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * HTTP digest as SIP uses it (RFC 3261 section 22, RFC 7616/8760 for SHA-256): the response a
 * trunk's 401/407 challenge asks for. MD5 and SHA-256, with qop=auth or none.
 */
final class Digest {

    /** What a WWW-Authenticate or Proxy-Authenticate header asked for. */
    record Challenge(String realm, String nonce, String algorithm, String qop, String opaque) {
    }

    private Digest() {
    }

    /**
     * @return the hex "response" value, or null when the algorithm is not one Patchbay speaks
     */
    static String response(Challenge c, String username, String password, String method, String uri,
                           String cnonce, String nonceCount) {
        String algorithm = c.algorithm() == null || c.algorithm().isEmpty() ? "MD5" : c.algorithm().toUpperCase(Locale.ROOT);
        String jca = switch (algorithm) {
            case "MD5" -> "MD5";
            case "SHA-256" -> "SHA-256";
            default -> null;
        };
        if (jca == null) {
            return null;
        }
        String ha1 = hash(jca, username + ":" + c.realm() + ":" + password);
        String ha2 = hash(jca, method + ":" + uri);
        return auth(c.qop())
                ? hash(jca, ha1 + ":" + c.nonce() + ":" + nonceCount + ":" + cnonce + ":auth:" + ha2)
                : hash(jca, ha1 + ":" + c.nonce() + ":" + ha2);
    }

    /** Whether the challenge offers qop=auth (a list such as "auth,auth-int" counts). */
    static boolean auth(String qop) {
        if (qop == null) {
            return false;
        }
        for (String q : qop.split(",")) {
            if (q.strip().equalsIgnoreCase("auth")) {
                return true;
            }
        }
        return false;
    }

    private static String hash(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }
}
