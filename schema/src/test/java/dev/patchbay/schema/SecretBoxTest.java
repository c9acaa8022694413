package dev.patchbay.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretBoxTest {

    private static Config config(Map<String, String> values) {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(values)).build();
    }

    @Test
    void sealsWithAFreshNonceAndOpensOnlyWithTheSameKey() {
        SecretBox box = new SecretBox(new byte[32]);
        String a = box.seal("s3cret");
        String b = box.seal("s3cret");
        assertTrue(a.startsWith("v1:"));
        assertNotEquals(a, b, "a nonce is never reused");
        assertEquals("s3cret", box.open(a));
        byte[] other = new byte[32];
        other[0] = 1;
        IllegalArgumentException wrongKey = assertThrows(IllegalArgumentException.class, () -> new SecretBox(other).open(a));
        assertTrue(wrongKey.getMessage().contains("patchbay.secrets.key"));
        byte[] raw = Base64.getDecoder().decode(a.substring(3));
        raw[raw.length - 1] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> box.open("v1:" + Base64.getEncoder().encodeToString(raw)));
        assertThrows(IllegalArgumentException.class, () -> box.open("plain"));
    }

    @Test
    void localModeSharesOneGeneratedKeyAndProductionDemandsOne(@TempDir Path var) throws Exception {
        Map<String, String> local = Map.of("patchbay.local", "true", "patchbay.var", var.toString());
        String sealed = SecretBox.from(config(local)).seal("x");
        assertEquals("x", SecretBox.from(config(local)).open(sealed), "a second process reads the same key file");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(var.resolve("secret-key"))));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> SecretBox.from(config(Map.of("patchbay.local", "false"))));
        assertTrue(missing.getMessage().contains("PATCHBAY_SECRETS_KEY"), missing.getMessage());
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        assertEquals("y", SecretBox.from(config(Map.of("patchbay.secrets.key", key))).open(new SecretBox(new byte[32]).seal("y")));
    }
}
