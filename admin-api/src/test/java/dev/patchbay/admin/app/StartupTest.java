package dev.patchbay.admin.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.patchbay.startup.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up failures name the setting to change. None of these reach the database. */
class StartupTest {

    @TempDir
    Path var;

    @Test
    void portInUseNamesTheSetting() throws IOException {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            StartupException e = assertThrows(StartupException.class,
                    () -> AdminApi.start(config(Map.of("patchbay.admin.server.port", String.valueOf(busy.getLocalPort())))));
            assertEquals("admin-api cannot listen on 127.0.0.1:" + busy.getLocalPort() + ": port in use; set"
                    + " patchbay.admin.server.port (env PATCHBAY_ADMIN_SERVER_PORT) to a free port", e.getMessage());
        }
        assertFalse(Files.exists(var.resolve("db")), "the database must not be touched");
    }

    @Test
    void platformModeNeedsAKey() {
        StartupException e = assertThrows(StartupException.class,
                () -> AdminApi.start(config(Map.of("patchbay.local", "false", "patchbay.admin.key", ""))));
        assertTrue(e.getMessage().contains("PATCHBAY_ADMIN_KEY"), e.getMessage());
        assertFalse(Files.exists(var.resolve("admin-key")), "no key file outside local mode");
    }

    @Test
    void unreachableDatabaseNamesTheUrlSettingButNotThePassword() {
        StartupException e = assertThrows(StartupException.class, () -> AdminApi.start(config(Map.of(
                "patchbay.db.connection.url", "jdbc:postgresql://127.0.0.1:1/none?password=hunter2",
                "patchbay.db.connection.username", "nobody"))));
        assertTrue(e.getMessage().contains("PATCHBAY_DB_CONNECTION_URL"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void portThatIsNotANumberNamesTheKeys() {
        StartupException e = assertThrows(StartupException.class,
                () -> AdminApi.start(config(Map.of("patchbay.admin.server.port", "eighty"))));
        assertTrue(e.getMessage().contains("patchbay."), e.getMessage());
    }

    private Map<String, String> base() {
        Map<String, String> all = new HashMap<>();
        all.put("patchbay.admin.server.host", "127.0.0.1");
        all.put("patchbay.admin.server.port", "0");
        all.put("patchbay.admin.key", "startup-test-key");
        all.put("patchbay.var", var.toString());
        all.put("patchbay.db.connection.url", "jdbc:h2:file:" + var.resolve("db/patchbay"));
        return all;
    }

    private io.helidon.config.Config config(Map<String, String> overrides) {
        Map<String, String> all = base();
        all.putAll(overrides);
        return AdminApi.config(all);
    }
}
