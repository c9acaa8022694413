package dev.patchbay.control.wss;

import java.util.Map;

/** Appends JSON pieces to a reused StringBuilder without allocating, for the 50-per-second media messages. */
final class JsonText {

    private static final char[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
    }

    /** A JSON string literal, quotes included. */
    static StringBuilder string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    /** A JSON object of string values, in the map's order. */
    static StringBuilder object(StringBuilder sb, Map<String, String> values) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, e.getKey()).append(':');
            string(sb, e.getValue());
        }
        return sb.append('}');
    }

    /** Standard padded base64 of the first {@code length} bytes of {@code data}, without quotes. */
    static StringBuilder base64(StringBuilder sb, byte[] data, int length) {
        int n = length;
        int i = 0;
        for (; i + 2 < n; i += 3) {
            int v = (data[i] & 0xFF) << 16 | (data[i + 1] & 0xFF) << 8 | data[i + 2] & 0xFF;
            sb.append(BASE64[v >>> 18]).append(BASE64[v >>> 12 & 63]).append(BASE64[v >>> 6 & 63]).append(BASE64[v & 63]);
        }
        if (i < n) {
            int v = (data[i] & 0xFF) << 16 | (i + 1 < n ? (data[i + 1] & 0xFF) << 8 : 0);
            sb.append(BASE64[v >>> 18]).append(BASE64[v >>> 12 & 63]);
            sb.append(i + 1 < n ? BASE64[v >>> 6 & 63] : '=').append('=');
        }
        return sb;
    }
}
