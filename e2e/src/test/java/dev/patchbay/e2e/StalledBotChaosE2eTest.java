package dev.patchbay.e2e;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20 §3, chaos: a bot WebSocket that stalls (the handshake done, then never read again, the TCP
 * connection kept open) during Twilio-dialect WSS calls, with the control-plane as its own process. The bridge
 * must bound what waits for the stalled bot (the oldest caller frames dropped and counted), the calls to a
 * healthy bot on the same control-plane must keep their audio, and every call must end on its caller's BYE
 * with a finished record and its bot socket closed.
 */
class StalledBotChaosE2eTest {

    private static final Logger LOG = Logger.getLogger(StalledBotChaosE2eTest.class.getName());
    private static final int STALLED = 3;
    private static final int HEALTHY = 2;
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final Duration STARTUP = Duration.ofSeconds(180);
    /** Long enough for the stalled sockets' kernel buffers to fill and the bridge to drop for half a minute. */
    private static final Duration HOLD = Duration.ofSeconds(120);
    /** The window over which the healthy bots' audio is counted, once the stall has set in. */
    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final Pattern ENDED = Pattern.compile("call (\\S+): bridge to (\\S+) ended: ([^;\\n]*)(?:; (\\d+) caller frames dropped)?");

    @Test
    void aStalledBotIsBoundedItsCallsEndCleanlyAndOtherCallsKeepTheirAudio() throws Exception {
        try (Gateway gw = new Gateway(Map.of(), false, Duration.ofSeconds(30)); BotServer healthy = new BotServer();
             StalledBot stalled = new StalledBot()) {
            gw.closeControl(); // the control-plane runs as its own process
            gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_s', 'S', TRUE, CURRENT_TIMESTAMP)",
                    "INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_ok', 'ws_s', 'Healthy', 'wss', '"
                            + healthy.url() + "', CURRENT_TIMESTAMP)",
                    // Plivo at 16 kHz, about 47 KB/s of JSON: the kernel buffers 3-4 MB for a socket nobody reads (the
                    // sender's buffer grows to net.ipv4.tcp_wmem's maximum) before a send waits, i.e. about 80 s here
                    // and over 3 minutes of Twilio's 8 kHz, so the bridge's own bound is reached within the hold.
                    "INSERT INTO bots (id, workspace_id, name, kind, url, dialect, sample_rate, created_at) VALUES ('bot_stall',"
                            + " 'ws_s', 'Stalled', 'wss', '" + stalled.url() + "', 'plivo', 16000, CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_ok', 'ws_s', 'echo', 'bot_ok', CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_st', 'ws_s', 'stall', 'bot_stall', CURRENT_TIMESTAMP)");
            // A loaded box opened a loopback WebSocket in over 5 s, the default connect timeout.
            Map<String, String> props = gw.controlProcessProperties(Map.of("patchbay.control.bridge.connect-timeout", "PT30S"));
            Path log = Files.createTempDirectory("patchbay-chaos-stall").resolve("control-plane.log");
            try (ControlPlaneProcess cp = ControlPlaneProcess.start(props, Ports.freeUdpAndTcp(), log, STARTUP)) {
                Await.until(() -> gw.media.hub().connected() == 1, WAIT, "the control-plane's Control stream");
                MultiHostRig.Sipp toStalled = ChaosCaller.place(gw.sipPort, "stall", STALLED, HOLD);
                MultiHostRig.Sipp toHealthy = ChaosCaller.place(gw.sipPort, "echo", HEALTHY, HOLD);
                try {
                    List<BotServer.Conn> conns = new ArrayList<>();
                    for (int i = 0; i < HEALTHY; i++) {
                        BotServer.Conn c = healthy.next(WAIT);
                        c.next(String.class, m -> m.contains("\"start\""), WAIT);
                        conns.add(c);
                    }
                    Await.until(() -> stalled.accepted.size() == STALLED, WAIT, () -> "the stalled bot's " + STALLED
                            + " connections, got " + stalled.accepted.size());
                    // The stall bites once the kernel holds all it will for the stalled sockets: the control-plane's
                    // send queues to the stalled bot stop growing. From then on the bridge queues, and drops.
                    long[] last = new long[1];
                    Await.until(() -> {
                        List<Long> q = sendQueues(stalled.port());
                        long total = q.stream().mapToLong(Long::longValue).sum();
                        boolean full = q.size() == STALLED && q.stream().allMatch(b -> b > 1_000_000) && total == last[0];
                        last[0] = total;
                        return full;
                    }, HOLD, Duration.ofSeconds(1), () -> "the stalled sockets' send queues to fill and stop growing (unchanged"
                            + " over 1 s): " + sendQueues(stalled.port()));
                    LOG.info(() -> "stalled: the kernel holds " + sendQueues(stalled.port()) + " bytes for the stalled bot's sockets");
                    for (BotServer.Conn c : conns) {
                        c.received.clear();
                    }
                    long from = System.nanoTime();
                    TimeUnit.NANOSECONDS.sleep(WINDOW.toNanos());
                    double seconds = (System.nanoTime() - from) / 1e9;
                    for (BotServer.Conn c : conns) {
                        long media = c.received.stream().filter(m -> m instanceof String s && s.contains("\"event\":\"media\"")).count();
                        // 50 frames a second reach a healthy bot; a loaded box may deliver late, not a fifth fewer.
                        assertTrue(media >= 0.8 * 50 * seconds, "a healthy bot beside the stalled one got " + media
                                + " media messages in " + seconds + " s");
                    }
                    Sipp.Result rs = toStalled.await(WAIT.plus(HOLD));
                    Sipp.Result rh = toHealthy.await(WAIT.plus(HOLD));
                    assertTrue(rs.succeeded(), "the stalled bot's calls ended with their callers' BYEs answered: " + rs.output());
                    assertTrue(rh.succeeded(), "the healthy bot's calls too: " + rh.output());
                    Await.until(() -> gw.db.rows("SELECT id FROM calls WHERE status = 'completed' AND hangup_cause = 'caller_bye'"
                                    + " AND ended_at IS NOT NULL").size() == STALLED + HEALTHY, WAIT,
                            () -> "every call completed by its caller: " + gw.db.rows("SELECT id, bot_id, status, hangup_cause FROM calls"));
                    List<String> stalledCalls = gw.db.rows("SELECT id FROM calls WHERE bot_id = 'bot_stall'").stream()
                            .map(r -> r.get(0)).toList();
                    assertEquals(STALLED, stalledCalls.size());
                    for (Socket s : stalled.accepted) {
                        assertTrue(StalledBot.closedByPeer(s, 15_000), "the gateway closed the stalled bot's connection");
                    }
                    // The bridge's own account, as it ended: frames dropped for the stalled bot only.
                    Map<String, Long> dropped = new java.util.HashMap<>();
                    Await.until(() -> {
                        dropped.clear();
                        Matcher m = ENDED.matcher(read(log));
                        while (m.find()) {
                            dropped.put(m.group(1), m.group(4) == null ? 0L : Long.parseLong(m.group(4)));
                        }
                        return dropped.size() == STALLED + HEALTHY;
                    }, WAIT, () -> "every bridge's end in the control-plane's log: " + dropped);
                    for (Map.Entry<String, Long> e : dropped.entrySet()) {
                        if (stalledCalls.contains(e.getKey())) {
                            assertTrue(e.getValue() > 0, e.getKey() + ": the stalled bot's frames were dropped and counted");
                        } else {
                            assertEquals(0L, e.getValue(), e.getKey() + ": nothing dropped for the healthy bot");
                        }
                    }
                    LOG.info(() -> STALLED + " calls to a stalled bot, " + HEALTHY + " to a healthy one: frames dropped per call "
                            + dropped + "; every call completed by its caller, every stalled socket closed by the gateway");
                } finally {
                    toStalled.process().destroyForcibly();
                    toHealthy.process().destroyForcibly();
                }
            }
        }
    }

    /** The Send-Q of each control-plane connection to {@code port} on loopback, from ss(8). */
    private static List<Long> sendQueues(int port) {
        try {
            Process p = new ProcessBuilder("ss", "-tnH", "state", "established", "dst", "127.0.0.1:" + port)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            List<Long> queues = new ArrayList<>();
            for (String line : out.strip().split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4) {
                    queues.add(Long.parseLong(f[1])); // with a state filter, ss leaves the State column out
                }
            }
            return queues;
        } catch (java.io.IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read ss -tn (iproute2): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
