package dev.patchbay.admin.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import dev.patchbay.admin.config.AdminConfig;
import dev.patchbay.startup.StartupException;

/**
 * The operator's bearer key. Only its SHA-256 digest is kept, and a presented key is compared
 * digest to digest: both sides then have the same length, so {@link MessageDigest#isEqual}
 * leaks neither the content nor the length of the real key through timing.
 */
public final class OperatorKey {

    private final byte[] digest;

    private OperatorKey(byte[] digest) {
        this.digest = digest;
    }

    public static OperatorKey of(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("the operator key must not be empty");
        }
        return new OperatorKey(sha256(key));
    }

    /**
     * The key from {@code patchbay.admin.key}, or in local mode the one kept in
     * {@code <patchbay.var>/admin-key}, generated on first start.
     */
    public static OperatorKey resolve(AdminConfig config) throws StartupException {
        if (!config.key().isEmpty()) {
            return of(config.key());
        }
        if (!config.local()) {
            throw new StartupException("patchbay.admin.key is empty: set PATCHBAY_ADMIN_KEY to the operator key"
                    + " (a generated key file is only used when patchbay.local is true)");
        }
        return of(KeyFile.loadOrCreate(config.var().resolve(KeyFile.NAME)));
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "OperatorKey[<redacted>]";
    }
}
