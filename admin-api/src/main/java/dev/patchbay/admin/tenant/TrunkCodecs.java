package dev.patchbay.admin.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.patchbay.rest.FieldError;

/**
 * A trunk's {@code codecs} (trunks.codecs, V26): the voice codecs its calls may use, best first. The
 * media-plane answers an inbound offer with the offered codec ranked best and offers exactly these on
 * outbound calls. Absent means Patchbay's default order.
 */
public final class TrunkCodecs {

    /** The codecs Patchbay speaks, spelled as stored and shown (Opus in lower case, as SDP writes it). */
    public static final List<String> NAMES = List.of("G722", "opus", "PCMU", "PCMA");

    private TrunkCodecs() {
    }

    /** The list in its stored spelling, or null when absent or invalid (then {@code errors} names the entry). */
    static List<String> parse(Optional<List<String>> value, List<FieldError> errors) {
        if (value.isEmpty()) {
            return null;
        }
        List<String> given = value.get();
        if (given.isEmpty()) {
            errors.add(new FieldError("codecs", "must list at least one of " + NAMES + ", best first; omit it for"
                    + " Patchbay's default order"));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            String name = canonical(given.get(i));
            if (name == null) {
                errors.add(new FieldError("codecs[" + i + "]", "'" + given.get(i) + "' is not a codec Patchbay speaks;"
                        + " use one of " + NAMES));
            } else if (out.contains(name)) {
                errors.add(new FieldError("codecs[" + i + "]", name + " is listed twice; list each codec once"));
            } else {
                out.add(name);
            }
        }
        return out.size() == given.size() ? List.copyOf(out) : null;
    }

    /** From the column: null (the default order) or the stored list. */
    public static List<String> fromColumn(Object value) {
        return value == null ? null : List.of(((String) value).split(","));
    }

    public static String toColumn(List<String> codecs) {
        return codecs == null ? null : String.join(",", codecs);
    }

    private static String canonical(String text) {
        String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        return NAMES.stream().filter(n -> n.toUpperCase(Locale.ROOT).equals(t)).findFirst().orElse(null);
    }
}
