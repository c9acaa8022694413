package dev.patchbay.media.call;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Strong randomness without a lock shared between threads: one DRBG per thread. {@code UUID.randomUUID}
 * and {@code new SecureRandom()} (NativePRNG) draw under one JVM-wide lock, and at set-up rate the SIP
 * threads queued on it for To tags and call ids (docs/bench/fixes.md, 2026-12-07). Still a
 * {@link SecureRandom}, not {@code ThreadLocalRandom}: attach tokens are secrets, and RFC 3261 §19.3
 * wants tags cryptographically random too.
 */
public final class ThreadRandom {

    private final ThreadLocal<SecureRandom> perThread = ThreadLocal.withInitial(ThreadRandom::drbg);

    /** This thread's generator, for APIs that take a {@link SecureRandom}. */
    public SecureRandom current() {
        return perThread.get();
    }

    public void nextBytes(byte[] bytes) {
        perThread.get().nextBytes(bytes);
    }

    /** {@code bytes} random bytes as lower-case hex. */
    public String hex(int bytes) {
        byte[] b = new byte[bytes];
        nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A To/From tag: 48 random bits (RFC 3261 §19.3 asks for at least 32). */
    public String tag() {
        return hex(6);
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no DRBG SecureRandom, which every JDK since 9 has; use a standard JDK", e);
        }
    }
}
