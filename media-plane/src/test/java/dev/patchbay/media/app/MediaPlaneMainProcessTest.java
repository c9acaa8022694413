package dev.patchbay.media.app;

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
class MediaPlaneMainProcessTest {

    @TempDir
    Path var;

    /** Read before anything starts: this once escaped main's try as a stack trace. */
    @Test
    void badDashedKeyIsOneLineWithKeyValueAndEnvName() throws Exception {
        ChildJvm run = run(Map.of("PATCHBAY_SIP_MAX_DASH_MESSAGE_DASH_SIZE_UDP", "abc"));
        assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
        assertTrue(run.singleFailureLine().endsWith("media-plane cannot start: patchbay.sip.max-message-size.udp is 'abc':"
                + " set it (env PATCHBAY_SIP_MAX_DASH_MESSAGE_DASH_SIZE_UDP) to a whole number"), run::toString);
    }

    @Test
    void settingTheConfigRejectsIsOneLineWithWhereToChangeIt() throws Exception {
        ChildJvm run = run(Map.of("PATCHBAY_CALL_MAX", "0"));
        assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
        assertTrue(run.singleFailureLine().endsWith("media-plane cannot start: patchbay.call.max must be at least 1, got 0;"
                + " set patchbay.call.max (env PATCHBAY_CALL_MAX) in the environment or in the PATCHBAY_CONFIG file"), run::toString);
    }

    @Test
    void takenGrpcPortIsOneLineNamingThePortAndTheKey() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ChildJvm run = run(Map.of("PATCHBAY_GRPC_PORT", String.valueOf(busy.getLocalPort())));
            assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
            assertTrue(run.singleFailureLine().endsWith("media-plane cannot listen on TCP 127.0.0.1:" + busy.getLocalPort()
                    + " (Address already in use): the port is in use or not permitted; set patchbay.grpc.port"
                    + " (env PATCHBAY_GRPC_PORT) to a free port"), run::toString);
        }
    }

    private ChildJvm run(Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>();
        all.put("PATCHBAY_SIP_HOST", "127.0.0.1");
        all.put("PATCHBAY_SIP_PORT", "0");
        all.put("PATCHBAY_SIP_TLS_PORT", "0");
        all.put("PATCHBAY_GRPC_HOST", "127.0.0.1");
        all.put("PATCHBAY_GRPC_PORT", "0");
        all.put("PATCHBAY_MEDIA_OBSERVE_PORT", "0");
        all.put("PATCHBAY_VAR", var.toString());
        all.put("PATCHBAY_DB_CONNECTION_URL", "jdbc:h2:file:" + var.resolve("db/patchbay"));
        all.putAll(env);
        return ChildJvm.run(MediaPlaneMain.class, all, var);
    }
}
