package dev.patchbay.startup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * A module's shipped application.yaml, the one place its defaults live, read alone (no environment,
 * no system properties): what the config records' {@code defaults()} are built from.
 */
public final class ShippedDefaults {

    private static final String FILE = "application.yaml";

    private ShippedDefaults() {
    }

    /** The shipped defaults of the module that holds {@code anchor}, root node (its keys start with {@code patchbay.}). */
    public static Config root(Class<?> anchor) {
        return Config.just(ConfigSources.url(file(anchor)));
    }

    /**
     * The application.yaml next to {@code anchor}'s classes. A test or e2e classpath holds several
     * modules' files, and whichever comes first would win a plain classpath lookup.
     */
    public static URL file(Class<?> anchor) {
        String own = anchor.getProtectionDomain().getCodeSource().getLocation().getPath();
        try {
            for (URL url : Collections.list(anchor.getClassLoader().getResources(FILE))) {
                if (url.getPath().contains(own)) {
                    return url;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + FILE + " on the classpath", e);
        }
        throw new IllegalStateException("the " + FILE + " of " + anchor.getName() + "'s module is not next to its classes in "
                + own + "; rebuild that module");
    }
}
