package dev.patchbay.startup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.common.config.ConfigException;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;

/** Where every process's settings come from, and how a setting that cannot be read is reported. */
public final class Settings {

    /** Names a YAML file whose settings override the shipped defaults. */
    public static final String FILE_ENV = "PATCHBAY_CONFIG";

    private static final Pattern KEY = Pattern.compile("key '([^']+)'");
    private static final Pattern VALUE = Pattern.compile("value '([^']*)'");
    private static final Pattern KEY_IN_TEXT = Pattern.compile("\\b(patchbay\\.[a-z0-9][a-z0-9.-]*[a-z0-9])");

    private Settings() {
    }

    /**
     * System properties, then environment variables ({@code PATCHBAY_SIP_PORT} is {@code patchbay.sip.port}),
     * then the YAML file named by {@code PATCHBAY_CONFIG} if set, then {@code defaults} (the module's application.yaml).
     */
    public static Config load(ConfigSource defaults) {
        Config.Builder builder = Config.builder();
        String file = System.getenv(FILE_ENV);
        if (file != null && !file.isBlank()) {
            if (!Files.isReadable(Path.of(file))) {
                throw new StartupException(FILE_ENV + " is '" + file + "', which is not a readable file: point it at a YAML"
                        + " file of patchbay.* settings, or unset it");
            }
            builder.addSource(ConfigSources.file(Path.of(file)));
        }
        return builder.addSource(defaults).build();
    }

    /**
     * Runs a configuration reader: a value that does not parse, or that its record rejects, becomes a
     * {@link StartupException} naming the key, the value and the remedy.
     */
    public static <T> T read(Supplier<T> reader) {
        try {
            return reader.get();
        } catch (ConfigException e) {
            throw explain(e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The records' validators name the key and the value; add where to change it.
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            Matcher key = KEY_IN_TEXT.matcher(message);
            if (key.find() && !message.contains("(env ")) {
                message += "; set " + key.group(1) + " (env " + envName(key.group(1)) + ") in the environment or in the "
                        + FILE_ENV + " file";
            }
            throw new StartupException(message, e);
        }
    }

    /** One line for Helidon's "cannot map value 'x' of key 'k'" failures, with what the key expects. */
    public static StartupException explain(ConfigException e) {
        Matcher key = KEY.matcher(String.valueOf(e.getMessage()));
        if (!key.find()) {
            return new StartupException("a setting cannot be read: " + e.getMessage() + "; check the patchbay.* settings"
                    + " (env PATCHBAY_*, or the " + FILE_ENV + " file)", e);
        }
        Matcher value = VALUE.matcher(e.getMessage());
        return StartupException.badSetting(key.group(1), value.find() ? value.group(1) : "", expected(e));
    }

    /**
     * The environment variable Helidon maps to {@code key}: dots become {@code _}, dashes {@code _DASH_}
     * ({@code patchbay.sip.max-message-size.udp} is {@code PATCHBAY_SIP_MAX_DASH_MESSAGE_DASH_SIZE_UDP}).
     */
    public static String envName(String key) {
        return key.replace("-", "_DASH_").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static String expected(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof NumberFormatException) {
            return "a whole number";
        }
        if (root instanceof DateTimeParseException) {
            return "an ISO-8601 duration such as PT10S";
        }
        return "a valid value (" + (root == e ? "cannot map it" : root.getMessage()) + ")";
    }
}
