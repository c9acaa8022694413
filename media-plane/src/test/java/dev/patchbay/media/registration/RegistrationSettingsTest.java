package dev.patchbay.media.registration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.patchbay.schema.SecretBox;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which key opens registrar passwords on a media node: the configured one, else the one './patchbay up' shares. */
class RegistrationSettingsTest {

    private static Config config(Path var, String key) {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.var", var.toString(), "patchbay.secrets.key", key,
                        "patchbay.local", "true")))
                .addSource(ConfigSources.classpath("application.yaml"))
                .build();
    }

    @Test
    void withNoKeyTheLocalProcessesSharedKeyOpensWhatTheAdminApiSealed() throws Exception {
        Path var = Files.createTempDirectory("registration-settings");
        try {
            assertNull(RegistrationSettings.from(config(var, "").get("patchbay")).box(),
                    "no key and no shared file: this node holds no registration");
            // The admin-api in local mode generates <var>/secret-key and seals with it.
            String sealed = SecretBox.from(config(var, "")).seal("registrar-password");
            assertEquals("registrar-password", RegistrationSettings.from(config(var, "").get("patchbay")).box().open(sealed));
        } finally {
            Files.deleteIfExists(var.resolve("secret-key"));
            Files.deleteIfExists(var);
        }
    }

    @Test
    void aConfiguredKeyWinsOverTheSharedFile() throws Exception {
        Path var = Files.createTempDirectory("registration-settings");
        try {
            SecretBox.from(config(var, "")); // the shared file exists
            String key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
            String sealed = SecretBox.from(config(var, key)).seal("registrar-password");
            assertEquals("registrar-password", RegistrationSettings.from(config(var, key).get("patchbay")).box().open(sealed));
        } finally {
            Files.deleteIfExists(var.resolve("secret-key"));
            Files.deleteIfExists(var);
        }
    }
}
