package dev.patchbay.media.config;

import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * The media-plane's shipped application.yaml, the one place its defaults live, read alone (no
 * environment, no system properties): what the config records' {@code defaults()} are built from.
 */
public final class MediaDefaults {

    private MediaDefaults() {
    }

    /** The shipped defaults, root node (its keys start with {@code patchbay.}). */
    public static Config root() {
        return ShippedDefaults.root(MediaDefaults.class);
    }
}
