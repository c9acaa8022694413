package dev.patchbay.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/** A module's own application.yaml under test overrides, for the processes a test starts in-process. */
final class ModuleConfig {

    /** One patchbay.var per test JVM, as a real deployment has one per host. */
    private static final Path VAR = tempDir();

    private ModuleConfig() {
    }

    /** {@code module}'s application.yaml under {@code db} and {@code overrides}, without the environment leaking in. */
    static Config of(String module, Map<String, String> db, Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(db);
        all.putAll(overrides);
        all.putIfAbsent("patchbay.var", VAR.toString());
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(all))
                .addSource(ConfigSources.file(Path.of("..", module, "src/main/resources/application.yaml")))
                .build();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("patchbay-var");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
