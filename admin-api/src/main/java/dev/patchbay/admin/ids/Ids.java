package dev.patchbay.admin.ids;

import java.security.SecureRandom;

/**
 * Resource ids: a type prefix and 20 base62 characters (about 119 random bits), so ids cannot be
 * guessed and the prefix says in any log line what an id names.
 */
public final class Ids {

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int LENGTH = 20;
    // The largest multiple of 62 that fits a byte; bytes at or above it are redrawn to avoid modulo bias.
    private static final int LIMIT = 62 * 4;

    private final SecureRandom random;

    public Ids(SecureRandom random) {
        this.random = random;
    }

    public String next(String prefix) {
        StringBuilder id = new StringBuilder(prefix.length() + LENGTH).append(prefix);
        byte[] buf = new byte[LENGTH * 2];
        while (id.length() < prefix.length() + LENGTH) {
            random.nextBytes(buf);
            for (int i = 0; i < buf.length && id.length() < prefix.length() + LENGTH; i++) {
                int b = buf[i] & 0xFF;
                if (b < LIMIT) {
                    id.append(BASE62[b % 62]);
                }
            }
        }
        return id.toString();
    }
}
