package dev.patchbay.media.sip;

/**
 * Reads the digit from a SIP INFO body: {@code application/dtmf-relay} ("Signal=5\r\nDuration=160")
 * or {@code application/dtmf} (just "5"). Returns null for anything that is not one DTMF key.
 */
final class DtmfRelay {

    /** A key and how long it was held, in ms (0 when the sender did not say). */
    record Key(char digit, int durationMs) { }

    private DtmfRelay() {
    }

    static Key parse(String subtype, String body) {
        if (body == null) {
            return null;
        }
        if ("dtmf".equalsIgnoreCase(subtype)) {
            String s = body.strip();
            return s.length() == 1 && isKey(s.charAt(0)) ? new Key(Character.toUpperCase(s.charAt(0)), 0) : null;
        }
        Character digit = null;
        int duration = 0;
        for (String line : body.split("\r?\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (name.equalsIgnoreCase("Signal") && value.length() == 1 && isKey(value.charAt(0))) {
                digit = Character.toUpperCase(value.charAt(0));
            } else if (name.equalsIgnoreCase("Signal") && value.equals("10")) {
                digit = '*'; // some gateways send the RFC 4733 event number for * and #
            } else if (name.equalsIgnoreCase("Signal") && value.equals("11")) {
                digit = '#';
            } else if (name.equalsIgnoreCase("Duration")) {
                try {
                    duration = Math.max(0, Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return digit == null ? null : new Key(digit, duration);
    }

    private static boolean isKey(char c) {
        return (c >= '0' && c <= '9') || c == '*' || c == '#' || (Character.toUpperCase(c) >= 'A' && Character.toUpperCase(c) <= 'D');
    }
}
