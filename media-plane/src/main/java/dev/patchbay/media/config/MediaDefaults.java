package dev.patchbay.media.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * The media-plane's shipped application.yaml, the one place its defaults live, read alone (no
 * environment, no system properties): what the config records' {@code defaults()} are built from.
 */
public final class MediaDefaults {

    private static final String FILE = "application.yaml";

    private MediaDefaults() {
    }

    /** The shipped defaults, root node (its keys start with {@code patchbay.}). */
    public static Config root() {
        return Config.just(ConfigSources.url(file()));
    }

    /**
     * This module's own application.yaml. A test or e2e classpath also holds the control-plane's and
     * admin-api's, and whichever comes first would win a plain classpath lookup.
     */
    public static URL file() {
        String own = MediaDefaults.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        try {
            for (URL url : Collections.list(MediaDefaults.class.getClassLoader().getResources(FILE))) {
                if (url.getPath().contains(own)) {
                    return url;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + FILE + " on the classpath", e);
        }
        throw new IllegalStateException("the media-plane's " + FILE + " is not next to its classes in " + own
                + "; rebuild the media-plane module");
    }
}
