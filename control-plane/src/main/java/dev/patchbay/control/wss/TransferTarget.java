package dev.patchbay.control.wss;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a bot's transfer target into a Refer-To URI. SIP, SIPS and tel URIs pass unchanged; a phone number
 * (E.164 or national digits, spaces and dashes allowed) becomes a {@code tel:} URI (RFC 3966), which the
 * media-plane accepts and which leaves routing of the number to the caller's carrier.
 */
final class TransferTarget {

    private static final Pattern URI = Pattern.compile("(sips?|tel):[^\\s<>\"]+");
    private static final Pattern NUMBER = Pattern.compile("\\+?[0-9]{2,20}");

    private TransferTarget() {
    }

    static Optional<String> uri(String target) {
        String t = target == null ? "" : target.strip();
        if (URI.matcher(t).matches()) {
            return Optional.of(t);
        }
        String digits = t.replaceAll("[\\s().-]", "");
        return NUMBER.matcher(digits).matches() ? Optional.of("tel:" + digits) : Optional.empty();
    }
}
