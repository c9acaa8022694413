package dev.patchbay.admin.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.patchbay.admin.testing.Calls;
import dev.patchbay.admin.testing.StandInNode;
import dev.patchbay.admin.testing.TestApi;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The console in Debian's chromium, driven by playwright-core (admin-api/console/tests/console.test.mjs),
 * against this admin-api on a real port over the real PostgreSQL. The script prints "ok ..." per
 * check; this test ends the live call when the script asks ("hangup?") and asserts every check
 * passed; a stand-in gRPC node ({@link StandInNode}) holds one call's recording. Screenshots go to target/console-shots, or to PATCHBAY_CONSOLE_SHOTS (docs/console to
 * refresh the README's).
 */
class ConsoleBrowserTest {

    private static final Logger LOG = Logger.getLogger(ConsoleBrowserTest.class.getName());

    private static final List<String> CHECKS = List.of(
            "a wrong key is refused",
            "the operator signs in by keyboard",
            "the operator creates a workspace, a bot and a DID through the console",
            "a bad DID shows the API's error next to the number field",
            "an empty bot name shows the API's error next to the name field",
            "the workspace's audit log shows the workspace, bot and DID created",
            "the call log searches by status",
            "the call log pages on",
            "a bad inbound CIDR shows the API's error next to the sources field",
            "an inbound trunk is created and its sources edited through the console",
            "a bad host in the outbound trunk's edit form shows the API's error next to the field",
            "an outbound trunk is edited through the console",
            "the live page shows the node's codec",
            "a bad transfer target shows the API's error next to the field",
            "the live page transfers a call through the node holding it",
            "the live page sends DTMF through the node holding the call",
            "the live page's hang-up (two presses) shows the API's 503 when the node does not answer",
            "an ended call leaves the live page",
            "a call's page shows its events",
            "a call's page shows its INVITE's SIP headers in order and its quality",
            "a recorded call's page plays its recording",
            "the fleet page lists the media nodes",
            "the fleet page's drain (two presses) shows the API's error when the node does not answer",
            "the wallets page lists every workspace's agent sessions for the operator",
            "a bad amount shows the API's error next to the amount field",
            "a credit granted through the console shows in the balance and the ledger",
            "a workspace admin sees only its own workspace's wallets",
            "a workspace admin sees only its own workspace",
            "nothing was loaded from another origin");

    @Test
    void anOperatorAndAWorkspaceAdminUseTheConsoleInChromium() throws Exception {
        Path console = Path.of(System.getProperty("patchbay.console.dir", "console"));
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        assertTrue(Files.isExecutable(chromium), chromium + " is missing: run ./patchbay setup (apt-get install chromium)");
        assertTrue(Files.isDirectory(console.resolve("node_modules/playwright-core")),
                "admin-api/console/node_modules is missing: run ./patchbay setup (npm ci in admin-api/console)");
        Path shots = Path.of(System.getenv().getOrDefault("PATCHBAY_CONSOLE_SHOTS",
                console.resolveSibling("target/console-shots").toString()));
        try (TestApi api = TestApi.start(); StandInNode mediaNode = new StandInNode(null)) {
            String ws = api.client().post("/v1/workspaces", "{\"name\":\"Northwind\"}").json().path("id").asText();
            String bot = api.client().post("/v1/workspaces/" + ws + "/bots", "{\"name\":\"Reception\",\"kind\":\"echo\"}")
                    .json().path("id").asText();
            String adminKey = api.client().post("/v1/workspaces/" + ws + "/admin-keys", "{\"name\":\"console\"}")
                    .json().path("key").asText();
            Instant t0 = Instant.now().minusSeconds(3600);
            for (int i = 0; i < 30; i++) {
                Calls.insert(api.db(), ws, bot, "ended", "+4420794601" + String.format("%02d", i), "+442079460000",
                        t0.plusSeconds(60L * i));
            }
            String live = Calls.insert(api.db(), ws, bot, "live", "+33142685300", "+442079460000");
            Calls.inviteHeaders(api.db(), live);
            String recorded = Calls.insert(api.db(), ws, bot, "ended", "+442079460123", "+442079460000", t0.minusSeconds(60));
            api.db().execute("UPDATE calls SET media_node = '" + mediaNode.address() + "', recording_url = '/var/rec/" + recorded
                    + ".wav' WHERE id = '" + recorded + "'");
            mediaNode.recordings.put(recorded, StandInNode.toneOnTheLeft(8000, 2.0));
            // A second live call, on the stand-in node: the live page transfers it and sends it DTMF.
            String onNode = Calls.insert(api.db(), ws, bot, "live", "+34911234567", "+442079460000");
            api.db().execute("UPDATE calls SET media_node = '" + mediaNode.address() + "' WHERE id = '" + onNode + "'");
            // Agent sessions are the control-plane's: one in this workspace, one in another the admin must not see.
            String globex = api.client().post("/v1/workspaces", "{\"name\":\"Globex\"}").json().path("id").asText();
            String session = "sess_console_" + ws.substring(3);
            String foreign = "sess_globex_" + globex.substring(3);
            for (String[] s : new String[][] {{session, ws}, {foreign, globex}}) {
                api.db().execute("INSERT INTO agent_sessions (id, workspace_id, agent_id, session_type, token_sha256,"
                        + " privacy_mode, currency, calls_per_hour, max_call_duration, created_at, expires_at) VALUES ('" + s[0]
                        + "', '" + s[1] + "', 'agent-7', 'guest', 'hash-" + s[0] + "', TRUE, 'USD', 20, 3600, CURRENT_TIMESTAMP,"
                        + " CURRENT_TIMESTAMP + INTERVAL '1' DAY)");
            }
            api.db().execute("INSERT INTO media_nodes (node_id, sip_address, rtp_address, grpc_address, capacity,"
                    + " current_calls, state, started_at, heartbeat_at) VALUES ('node-console', '127.0.0.1:5060',"
                    + " '127.0.0.1', '127.0.0.1:9090', 200, 1, 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");

            ProcessBuilder pb = new ProcessBuilder("node", "tests/console.test.mjs").directory(console.toFile())
                    .redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.put("CONSOLE_URL", "http://127.0.0.1:" + api.api().port() + "/console/");
            env.put("OPERATOR_KEY", TestApi.KEY);
            env.put("OTHER_WS", ws);
            env.put("OTHER_ADMIN_KEY", adminKey);
            env.put("LIVE_CALL", live);
            env.put("RECORDED_CALL", recorded);
            env.put("NODE_CALL", onNode);
            env.put("WALLET_SESSION", session);
            env.put("FOREIGN_SESSION", foreign);
            env.put("SHOTS", shots.toAbsolutePath().toString());
            env.put("CHROMIUM", chromium.toString());
            Process node = pb.start();
            List<String> out = Collections.synchronizedList(new ArrayList<>());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                 Writer stdin = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
                Thread watchdog = Thread.ofVirtual().start(() -> {
                    try {
                        if (!node.waitFor(180, TimeUnit.SECONDS)) {
                            out.add("TIMEOUT after 180 s");
                            node.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        node.destroyForcibly();
                    }
                });
                String line;
                while ((line = lines.readLine()) != null) {
                    out.add(line);
                    if (line.equals("hangup?")) {
                        // As the control-plane ends a call: status, end time, quality and an event.
                        api.db().execute("UPDATE calls SET status = 'completed', ended_at = CURRENT_TIMESTAMP"
                                + " WHERE id IN ('" + live + "', '" + onNode + "')");
                        Calls.quality(api.db(), live);
                        stdin.write("ended\n");
                        stdin.flush();
                    }
                }
                watchdog.join();
            }
            String log = String.join("\n", out);
            LOG.info(() -> "console.test.mjs:\n" + log);
            assertEquals(0, node.exitValue(), "console.test.mjs failed:\n" + log);
            for (String check : CHECKS) {
                if (out.stream().noneMatch(l -> l.startsWith("ok " + check))) {
                    fail("check '" + check + "' did not pass:\n" + log);
                }
            }
            assertEquals(List.of(onNode + " -> tel:+442079460777"), mediaNode.transfers, "the transfers the node was asked for");
            assertEquals(List.of(onNode + " -> 12#"), mediaNode.dtmf, "the DTMF the node was asked to send");
            for (String page : List.of("sign-in", "configuration", "call-log", "live-calls", "call", "call-recording", "fleet",
                    "wallets", "wallet")) {
                for (int width : new int[] {1280, 390}) {
                    Path png = shots.resolve(page + "-" + width + ".png");
                    assertTrue(Files.size(png) > 5_000, png + " is missing or empty");
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run node (install it: ./patchbay setup): " + e.getMessage(), e);
        }
    }
}
