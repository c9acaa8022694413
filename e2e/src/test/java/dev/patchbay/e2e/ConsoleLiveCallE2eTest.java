package dev.patchbay.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real call on the console's live page: the whole gateway on PostgreSQL, a DID made through the
 * admin API, SIPp calling it, and the page watched in Debian's chromium by
 * admin-api/console/tests/live-call.test.mjs, which checks the call appears within 3 s of SIPp
 * starting, hangs it up with the page's button (SIPp passes only on the BYE that sends) and sees it
 * leave within 3 s, then drains the media node from the Fleet page; the test checks the node stopped.
 */
class ConsoleLiveCallE2eTest {

    private static final Logger LOG = Logger.getLogger(ConsoleLiveCallE2eTest.class.getName());
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    @Test
    void aSippCallAppearsOnTheLivePageAndLeavesAfterHangUp() throws Exception {
        Path console = Path.of("..", "admin-api", "console").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(console.resolve("node_modules/playwright-core")),
                "admin-api/console/node_modules is missing: run ./patchbay setup (npm ci in admin-api/console)");
        try (Gateway gw = new Gateway(Map.of())) {
            gw.awaitConnected(Duration.ofSeconds(10));
            String admin = "http://127.0.0.1:" + gw.adminPort();
            String ws = id(post(admin + "/v1/workspaces", "{\"name\":\"Live\"}"));
            String bot = id(post(admin + "/v1/workspaces/" + ws + "/bots", "{\"name\":\"Echo\",\"kind\":\"echo\"}"));
            String did = "+1415555" + (1000 + (int) (Math.random() * 8999));
            id(post(admin + "/v1/workspaces/" + ws + "/dids", "{\"number\":\"" + did + "\",\"bot_id\":\"" + bot + "\"}"));
            // This in-process media-plane keeps no registry row; the row a registering node writes, so Fleet lists it.
            String nodeId = "e2e-console-node";
            gw.sql("INSERT INTO media_nodes (node_id, sip_address, rtp_address, grpc_address, capacity, current_calls,"
                    + " state, started_at, heartbeat_at) VALUES ('" + nodeId + "', '127.0.0.1:" + gw.sipPort + "', '127.0.0.1',"
                    + " '127.0.0.1:" + gw.media.grpcPort() + "', 100, 0, 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            // ...and its heartbeat, as a registering node refreshes it: a stale one makes the control-plane end the
            // node's calls as media-node-lost (10 s), which a slow box reaches while the script acts on the call.
            ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
            heartbeat.scheduleAtFixedRate(() -> gw.sql("UPDATE media_nodes SET heartbeat_at = CURRENT_TIMESTAMP"
                    + " WHERE node_id = '" + nodeId + "'"), 1, 1, TimeUnit.SECONDS);

            ProcessBuilder pb = new ProcessBuilder("node", "tests/live-call.test.mjs").directory(console.toFile())
                    .redirectErrorStream(true);
            pb.environment().putAll(Map.of("CONSOLE_URL", admin + "/console/", "OPERATOR_KEY", Gateway.ADMIN_KEY,
                    "DID", did, "NODE", nodeId, "SHOTS", System.getenv().getOrDefault("PATCHBAY_CONSOLE_SHOTS",
                    console.resolveSibling("target/console-shots").toString())));
            Process node = pb.start();
            List<String> out = Collections.synchronizedList(new ArrayList<>());
            Sipp.Result sipp = null;
            // Not closed by try-with-resources: after a failed script, its flush would throw over the script's output.
            Writer stdin = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    out.add(line);
                    if (line.equals("watching")) {
                        Path dir = Sipp.workDir();
                        Files.write(dir.resolve("voice.ulaw"), ulawTone());
                        Process call = Sipp.start(dir, List.of("-sf", Path.of("src/test/resources/sipp/uac_wait_bye.xml")
                                .toAbsolutePath().toString(), "127.0.0.1:" + gw.sipPort, "-s", did,
                                "-m", "1", "-i", "127.0.0.1", "-p", Integer.toString(SippPorts.freePort()),
                                "-mp", Integer.toString(SippPorts.freeEvenPort())));
                        tell(stdin, "placed");
                        sipp = Sipp.await(call, dir);
                        tell(stdin, "ended");
                    }
                }
                if (!node.waitFor(60, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            } finally {
                heartbeat.shutdownNow();
            }
            String log = String.join("\n", out);
            LOG.info(() -> "live-call.test.mjs:\n" + log);
            assertTrue(sipp != null, "the script never asked for the call:\n" + log);
            assertEquals(0, sipp.exitCode(), sipp.output());
            assertEquals(0, node.exitValue(), "live-call.test.mjs failed:\n" + log);
            assertTrue(out.stream().anyMatch(l -> l.startsWith("ok a SIPp call appears on the live page")), log);
            assertTrue(out.stream().anyMatch(l -> l.startsWith("ok the console sends DTMF on the real call")), log);
            assertTrue(out.stream().anyMatch(l -> l.startsWith("ok the console hangs the call up")), log);
            assertTrue(out.stream().anyMatch(l -> l.startsWith("ok the fleet page drains the media node")), log);
            // Drained as on SIGTERM: with no call left it stops at once, and the control-plane loses its link.
            Await.until(() -> gw.media.hub().connected() == 0, Duration.ofSeconds(10),
                    "the drained media-plane stopped serving the control-plane");
            assertEquals("dtmf-sent", gw.sqlValue("SELECT type FROM call_events WHERE type = 'dtmf-sent'"
                    + " AND detail LIKE '2 digit(s) by operator%'"));
            assertEquals("hangup-requested", gw.sqlValue("SELECT type FROM call_events WHERE type = 'hangup-requested'"
                    + " AND detail LIKE '%admin API%'"));
        }
    }

    /**
     * One second of a 400 Hz tone at -20 dBFS as raw mu-law (G.711, the bit-exact encoder of the media-plane's
     * golden-tested codec), which SIPp's rtp_stream sends in 20 ms packets (payload type 0) for as long as the call.
     */
    private static byte[] ulawTone() {
        byte[] ulaw = new byte[8000];
        for (int i = 0; i < ulaw.length; i++) {
            ulaw[i] = G711.linearToUlaw((short) (3277 * Math.sin(2 * Math.PI * 400 * i / 8000.0)));
        }
        return ulaw;
    }

    /** Writes a line to the script; one that has already failed has closed its stdin, and its output says why. */
    private static void tell(Writer stdin, String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException closed) {
            LOG.fine(() -> "live-call.test.mjs no longer reads its stdin: " + closed.getMessage());
        }
    }

    private static String post(String url, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + Gateway.ADMIN_KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), url + " -> " + r.body());
        return r.body();
    }

    private static String id(String body) {
        Matcher m = ID.matcher(body);
        assertTrue(m.find(), body);
        return m.group(1);
    }
}
