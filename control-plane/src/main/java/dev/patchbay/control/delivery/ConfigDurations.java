package dev.patchbay.control.delivery;

import java.time.Duration;
import java.time.format.DateTimeParseException;

import io.helidon.config.Config;

/** Reads durations written as {@code 500ms}, {@code 5s}, {@code 10m}, {@code 24h} or ISO-8601 ({@code PT5S}). */
public final class ConfigDurations {

    private ConfigDurations() {
    }

    /** The duration at {@code key}, which must be set (the shipped application.yaml sets every key). */
    public static Duration require(Config root, String key) {
        return parse(key, root.get(key).asString().get());
    }

    /** The positive whole number at {@code key}, which must be set. */
    public static int requirePositiveInt(Config root, String key) {
        return positiveInt(key, root.get(key).asString().get().strip());
    }

    public static Duration get(Config root, String key, Duration fallback) {
        String v = root.get(key).asString().orElse("").strip();
        return v.isEmpty() ? fallback : parse(key, v);
    }

    public static Duration parse(String key, String value) {
        String v = value.strip().toLowerCase();
        try {
            Duration d;
            if (v.startsWith("pt") || v.startsWith("p")) {
                d = Duration.parse(v.toUpperCase());
            } else if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).strip()));
            } else if (v.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).strip()));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1).strip()));
            } else if (v.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1).strip()));
            } else {
                throw new NumberFormatException(v);
            }
            if (d.isNegative() || d.isZero()) {
                throw new NumberFormatException(v);
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalStateException(key + " is '" + value + "': write a positive duration such as 500ms, 5s, 10m or 24h");
        }
    }

    public static int positiveInt(Config root, String key, int fallback) {
        String v = root.get(key).asString().orElse("").strip();
        return v.isEmpty() ? fallback : positiveInt(key, v);
    }

    private static int positiveInt(String key, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message naming the key
        }
        throw new IllegalStateException(key + " is '" + v + "': write a positive whole number");
    }
}
