package dev.patchbay.agents.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import dev.patchbay.control.api.ApiKeyAuth;

/** Session tokens and ids: random, URL-safe, and stored only as a SHA-256 hash. */
public final class SessionTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionTokens() {
    }

    public static String newToken() {
        return "tk_" + random(32);
    }

    /** An id with the seed's prefix style, e.g. {@code sess_…}, {@code txn_…}. */
    public static String newId(String prefix) {
        return prefix + "_" + HexFormat.of().formatHex(bytes(12));
    }

    public static String hash(String token) {
        return HexFormat.of().formatHex(ApiKeyAuth.sha256(token));
    }

    private static String random(int n) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(n));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
