package dev.patchbay.media.sip;

import java.nio.charset.StandardCharsets;

/**
 * Finds the one Via shape that jain-sip's parser cannot survive: a comment (RFC 2543's {@code (...)} after
 * sent-by) holding a backslash or left open. jain-sip takes a backslash and the character after it, the
 * line's end included, as one escape, then reads NULs past the end and appends them until the heap runs out
 * (found by fuzzing: one 200-byte datagram took a node down). RFC 3261's Via has no comments, so nothing
 * a current peer sends is refused; the message is answered 400 before jain-sip reads it.
 */
final class ViaComments {

    private ViaComments() {
    }

    /** Whether a Via header among {@code bytes}' header lines has a comment with a backslash or no end. */
    static boolean unsafe(byte[] bytes) {
        int i = 0;
        boolean via = false;
        while (i < bytes.length) {
            int end = i;
            while (end < bytes.length && bytes[end] != '\r' && bytes[end] != '\n') {
                end++;
            }
            if (end == i && i > 0) {
                return false; // the empty line ends the headers
            }
            boolean continuation = end > i && (bytes[i] == ' ' || bytes[i] == '\t');
            if (!continuation) {
                via = isVia(bytes, i, end);
            }
            if (via && unsafeComment(bytes, i, end)) {
                return true;
            }
            i = end < bytes.length && bytes[end] == '\r' && end + 1 < bytes.length && bytes[end + 1] == '\n' ? end + 2 : end + 1;
        }
        return false;
    }

    private static boolean isVia(byte[] bytes, int from, int to) {
        int colon = from;
        while (colon < to && bytes[colon] != ':') {
            colon++;
        }
        String name = new String(bytes, from, colon - from, StandardCharsets.ISO_8859_1).strip();
        return colon < to && (name.equalsIgnoreCase("via") || name.equalsIgnoreCase("v"));
    }

    /** A comment outside quoted strings that meets a backslash or the line's end before its ')'. */
    private static boolean unsafeComment(byte[] bytes, int from, int to) {
        boolean quoted = false;
        boolean comment = false;
        for (int k = from; k < to; k++) {
            byte b = bytes[k];
            if (comment) {
                if (b == '\\') {
                    return true;
                }
                comment = b != ')';
            } else if (quoted) {
                if (b == '\\') {
                    k++; // a quoted-pair
                } else {
                    quoted = b != '"';
                }
            } else if (b == '"') {
                quoted = true;
            } else if (b == '(') {
                comment = true;
            }
        }
        return comment;
    }
}
