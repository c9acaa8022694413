package dev.patchbay.control.wss;

import java.util.Arrays;

/**
 * Decodes canonical base64 (padded, no whitespace) from a region of text into {@link BotCommand.Audio}
 * without allocating. Anything else is left to {@link java.util.Base64}, which the tree path uses.
 */
final class Base64Text {

    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private Base64Text() {
    }

    /** Decodes {@code text[from, to)} into {@code into}; false (contents undefined) when it is not canonical base64. */
    static boolean decode(CharSequence text, int from, int to, BotCommand.Audio into) {
        int n = to - from;
        if (n == 0 || n % 4 != 0) {
            return false;
        }
        int pad = text.charAt(to - 1) != '=' ? 0 : text.charAt(to - 2) != '=' ? 1 : 2;
        byte[] out = into.reserve(n / 4 * 3 - pad);
        int o = 0;
        int end = to - 4;
        for (int i = from; i < end; i += 4) {
            int v = quad(text, i, 4);
            if (v < 0) {
                return false;
            }
            out[o++] = (byte) (v >> 16);
            out[o++] = (byte) (v >> 8);
            out[o++] = (byte) v;
        }
        int v = quad(text, end, 4 - pad);
        if (v < 0) {
            return false;
        }
        out[o++] = (byte) (v >> 16);
        if (pad < 2) {
            out[o++] = (byte) (v >> 8);
        }
        if (pad < 1) {
            out[o] = (byte) v;
        }
        return true;
    }

    /** The 24 bits of {@code count} base64 digits at {@code i} (the rest as zero), or -1 for a non-digit. */
    private static int quad(CharSequence text, int i, int count) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = 0;
            if (k < count) {
                char c = text.charAt(i + k);
                d = c < 128 ? VALUES[c] : -1;
                if (d < 0) {
                    return -1;
                }
            }
            v = v << 6 | d;
        }
        return v;
    }
}
