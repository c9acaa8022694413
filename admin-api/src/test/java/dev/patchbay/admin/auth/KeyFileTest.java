package dev.patchbay.admin.auth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.patchbay.startup.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyFileTest {

    @TempDir
    Path dir;

    @Test
    void generatesA256BitKeyReadableOnlyByTheOwner() throws Exception {
        Path file = dir.resolve("nested/var/admin-key");
        String key = KeyFile.loadOrCreate(file);
        assertTrue(key.matches("[A-Za-z0-9_-]{43}"), key);
        assertEquals(key, Files.readString(file).strip());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void reusesAnExistingFile() throws Exception {
        Path file = dir.resolve("admin-key");
        String first = KeyFile.loadOrCreate(file);
        assertEquals(first, KeyFile.loadOrCreate(file));
        assertNotEquals(first, KeyFile.loadOrCreate(dir.resolve("other/admin-key")));
    }

    @Test
    void anEmptyFileIsAStartupError() throws Exception {
        Path file = Files.writeString(dir.resolve("admin-key"), "\n");
        StartupException e = assertThrows(StartupException.class, () -> KeyFile.loadOrCreate(file));
        assertTrue(e.getMessage().contains("PATCHBAY_ADMIN_KEY") && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void anUnwritableDirectoryNamesTheSettings() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
        StartupException e = assertThrows(StartupException.class,
                () -> KeyFile.loadOrCreate(blocker.resolve("admin-key")));
        assertTrue(e.getMessage().contains("PATCHBAY_VAR"), e.getMessage());
    }
}
