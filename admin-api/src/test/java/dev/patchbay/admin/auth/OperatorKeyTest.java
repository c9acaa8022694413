package dev.patchbay.admin.auth;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.patchbay.admin.config.AdminConfig;
import dev.patchbay.startup.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperatorKeyTest {

    @TempDir
    Path var;

    @Test
    void matchesOnlyTheExactKey() {
        OperatorKey key = OperatorKey.of("s3cret-key");
        assertTrue(key.matches("s3cret-key"));
        assertFalse(key.matches("s3cret-kex"));
        assertFalse(key.matches("s3cret-key "));
        assertFalse(key.matches(""));
        assertFalse(key.matches(null));
        assertFalse(key.toString().contains("s3cret"));
    }

    @Test
    void configuredKeyWinsOverTheFile() throws StartupException {
        OperatorKey key = OperatorKey.resolve(new AdminConfig("127.0.0.1", 0, "configured", true, var, false, java.time.Duration.ofHours(24), ""));
        assertTrue(key.matches("configured"));
        assertFalse(Files.exists(var.resolve("admin-key")));
    }

    @Test
    void localModeGeneratesTheKeyFile() throws Exception {
        OperatorKey key = OperatorKey.resolve(new AdminConfig("127.0.0.1", 0, "", true, var, false, java.time.Duration.ofHours(24), ""));
        assertTrue(key.matches(Files.readString(var.resolve("admin-key")).strip()));
    }

    @Test
    void platformModeWithoutAKeyRefusesToStart() {
        StartupException e = assertThrows(StartupException.class,
                () -> OperatorKey.resolve(new AdminConfig("127.0.0.1", 0, "", false, var, false, java.time.Duration.ofHours(24), "")));
        assertTrue(e.getMessage().contains("PATCHBAY_ADMIN_KEY"), e.getMessage());
    }

    @Test
    void configToStringHidesTheKey() {
        assertFalse(new AdminConfig("h", 1, "topsecret", true, var, true, java.time.Duration.ofHours(24), "").toString().contains("topsecret"));
    }
}
