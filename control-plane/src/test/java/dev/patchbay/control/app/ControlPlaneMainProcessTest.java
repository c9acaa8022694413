package dev.patchbay.control.app;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.patchbay.startup.Startup;
import dev.patchbay.startup.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real {@code main} in its own JVM: a bad setting or a taken port is one line and exit 2. */
class ControlPlaneMainProcessTest {

    @TempDir
    Path var;

    @Test
    void takenPortIsOneLineNamingThePortAndTheKey() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ChildJvm run = run(Map.of("PATCHBAY_CONTROL_SERVER_PORT", String.valueOf(busy.getLocalPort())));
            assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
            assertTrue(run.singleFailureLine().endsWith("control-plane cannot listen on TCP 127.0.0.1:" + busy.getLocalPort()
                    + " (Address already in use): the port is in use or not permitted; set patchbay.control.server.port"
                    + " (env PATCHBAY_CONTROL_SERVER_PORT) to a free port"), run::toString);
        }
    }

    @Test
    void badDashedKeyIsOneLineWithKeyValueAndEnvName() throws Exception {
        ChildJvm run = run(Map.of("PATCHBAY_CONTROL_BRIDGE_CONNECT_DASH_TIMEOUT", "5s"));
        assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
        assertTrue(run.singleFailureLine().endsWith("control-plane cannot start: patchbay.control.bridge.connect-timeout is '5s':"
                + " set it (env PATCHBAY_CONTROL_BRIDGE_CONNECT_DASH_TIMEOUT) to an ISO-8601 duration such as PT10S"), run::toString);
    }

    /** The database is blamed only when it is the database that failed, and then by its URL. */
    @Test
    void unreachableDatabaseIsOneLineNamingTheUrlSettingButNotThePassword() throws Exception {
        ChildJvm run = run(Map.of("PATCHBAY_DB_CONNECTION_URL", "jdbc:postgresql://127.0.0.1:1/none?password=hunter2"));
        assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
        String line = run.singleFailureLine();
        assertTrue(line.contains("control-plane cannot use the database at jdbc:postgresql://127.0.0.1:1/none?password=***"), line);
        assertTrue(line.endsWith("check patchbay.db.connection.url (env PATCHBAY_DB_CONNECTION_URL), its credentials, and that"
                + " the database is up"), line);
        assertTrue(run.stderr().stream().noneMatch(l -> l.contains("hunter2")), run::toString);
    }

    private ChildJvm run(Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>();
        all.put("PATCHBAY_CONTROL_SERVER_HOST", "127.0.0.1");
        all.put("PATCHBAY_CONTROL_SERVER_PORT", "0");
        all.put("PATCHBAY_VAR", var.toString());
        all.put("PATCHBAY_DB_CONNECTION_URL", "jdbc:h2:file:" + var.resolve("db/patchbay"));
        all.putAll(env);
        return ChildJvm.run(ControlPlaneMain.class, all, var);
    }
}
