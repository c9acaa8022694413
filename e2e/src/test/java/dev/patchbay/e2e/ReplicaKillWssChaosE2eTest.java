package dev.patchbay.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20 §3, chaos: kill -9 of the control-plane replica that bridges WSS (Twilio dialect) calls.
 * The other replica adopts each call once the dead one's lease lapses and connects the bot afresh:
 * the bot gets a new connection with a new {@code start} for the same callSid and the caller's audio
 * on it, and every call still ends with its caller's BYE. The gRPC and echo bots' case is
 * MultiHostE2eTest (replicas) and ControlPlaneRestartE2eTest (one control-plane restarted).
 */
class ReplicaKillWssChaosE2eTest {

    private static final Logger LOG = Logger.getLogger(ReplicaKillWssChaosE2eTest.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = 3;
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final Duration STARTUP = Duration.ofSeconds(180);
    /** Long enough for the lease to lapse (10 s) and the bots to be re-attached on a loaded box before the calls end. */
    private static final Duration HOLD = Duration.ofSeconds(50);

    @Test
    void aSurvivingReplicaReattachesTheKilledOnesWssBots() throws Exception {
        try (Gateway gw = new Gateway(Map.of(), false, Duration.ofSeconds(30)); BotServer bot = new BotServer()) {
            gw.closeControl(); // the replicas run as their own processes
            gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_k', 'K', TRUE, CURRENT_TIMESTAMP)",
                    "INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_k', 'ws_k', 'Twilio bot', 'wss', '"
                            + bot.url() + "', CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_k', 'ws_k', 'echo', 'bot_k', CURRENT_TIMESTAMP)");
            // A loaded two-core box (load 50) renewed 3 s leases late and took over 5 s to open a loopback
            // WebSocket: the default lease (10 s) and a longer connect timeout keep the fault the only cause.
            Map<String, String> props = gw.controlProcessProperties(Map.of("patchbay.control.bridge.lease", "PT10S",
                    "patchbay.control.bridge.connect-timeout", "PT30S"));
            Path logs = Files.createTempDirectory("patchbay-chaos-wss");
            try (ControlPlaneProcess cpA = ControlPlaneProcess.start(replica(props, "cp-a"), Ports.freeUdpAndTcp(), logs.resolve("cp-a.log"), STARTUP);
                 ControlPlaneProcess cpB = ControlPlaneProcess.start(replica(props, "cp-b"), Ports.freeUdpAndTcp(), logs.resolve("cp-b.log"), STARTUP)) {
                Await.until(() -> gw.media.hub().connected() == 2, WAIT, "both replicas' Control streams");
                MultiHostRig.Sipp sipp = ChaosCaller.place(gw.sipPort, CALLS, HOLD);
                try {
                    Map<String, BotServer.Conn> first = starts(bot, CALLS, "the first");
                    Await.until(() -> live(gw).size() == CALLS && live(gw).stream().allMatch(row -> row.get(1) != null), WAIT,
                            () -> "every call bridged under a lease: " + live(gw));
                    // Offers go round-robin: the replica bridging most calls is killed.
                    Map<String, Long> owners = live(gw).stream().collect(Collectors.groupingBy(row -> row.get(1), Collectors.counting()));
                    String victim = owners.getOrDefault("cp-a", 0L) >= owners.getOrDefault("cp-b", 0L) ? "cp-a" : "cp-b";
                    String survivor = victim.equals("cp-a") ? "cp-b" : "cp-a";
                    Set<String> orphans = live(gw).stream().filter(row -> victim.equals(row.get(1))).map(row -> row.get(0))
                            .collect(Collectors.toSet());
                    (victim.equals("cp-a") ? cpA : cpB).kill();
                    Instant killed = Instant.now();
                    Map<String, BotServer.Conn> second = starts(bot, orphans.size(), survivor + "'s");
                    long reattached = Duration.between(killed, Instant.now()).toMillis();
                    assertEquals(orphans, second.keySet(), "the killed replica's calls came back to the bot");
                    for (String id : orphans) {
                        second.get(id).next(String.class, m -> m.contains("\"media\""), WAIT); // the caller's audio on the new socket
                        List<String> events = gw.eventTypes(id);
                        assertEquals(1, events.stream().filter("bridge-adopted"::equals).count(), id + ": " + events);
                    }
                    assertEquals(List.of(List.of(survivor, Integer.toString(CALLS))),
                            gw.db.rows("SELECT bridge_owner, count(*) FROM calls WHERE ended_at IS NULL GROUP BY bridge_owner"));
                    Sipp.Result r = sipp.await(WAIT.plus(HOLD));
                    assertTrue(r.succeeded(), "every call ended with its caller's BYE answered: " + r.output());
                    Await.until(() -> gw.db.rows("SELECT id FROM calls WHERE status = 'completed' AND hangup_cause = 'caller_bye'").size()
                            == CALLS, WAIT, () -> "every call completed by its caller: " + gw.db.rows("SELECT id, status, hangup_cause FROM calls"));
                    for (String id : first.keySet()) {
                        (orphans.contains(id) ? second : first).get(id).next(String.class, m -> m.contains("\"stop\""), WAIT);
                    }
                    assertTrue(bot.connections.isEmpty(), "no third connection: each bot re-attached once");
                    LOG.info(() -> victim + " killed -9 bridging " + orphans.size() + " of " + CALLS + " Twilio WSS calls; " + survivor
                            + " re-attached each bot (a new start, same callSid) within " + reattached
                            + " ms of the kill (bridge lease 10 s); 0 calls lost, 1 bridge-adopted event each");
                } finally {
                    sipp.process().destroyForcibly();
                }
            }
        }
    }

    /** The next {@code n} bot connections, by the callSid of their {@code start}. */
    private static Map<String, BotServer.Conn> starts(BotServer bot, int n, String whose) throws Exception {
        Map<String, BotServer.Conn> byCall = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            BotServer.Conn conn = bot.next(WAIT);
            JsonNode start = JSON.readTree(conn.next(String.class, m -> m.contains("\"start\""), WAIT)).get("start");
            String callSid = start.get("callSid").asText();
            assertTrue(seen.add(callSid), whose + " connections: a second start for " + callSid);
            byCall.put(callSid, conn);
        }
        return byCall;
    }

    /** Live answered calls: id, bridge owner (null until leased). */
    private static List<List<String>> live(Gateway gw) {
        return gw.db.rows("SELECT id, bridge_owner FROM calls WHERE ended_at IS NULL AND answered_at IS NOT NULL");
    }

    private static Map<String, String> replica(Map<String, String> props, String name) {
        Map<String, String> all = new HashMap<>(props);
        all.put("patchbay.control.replica", name);
        return all;
    }
}
