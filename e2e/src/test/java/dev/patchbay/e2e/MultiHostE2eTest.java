package dev.patchbay.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16 §7: the fleet in network namespaces ({@link MultiHostRig}), media hosts behind 1:1 NAT,
 * two control-plane replicas, the admin-api, the Kamailio front of deploy/kamailio, and a SIPp caller
 * whose SDP names an unreachable home address. One ordered scenario on one topology:
 * calls reach both hosts with public SDP/Contact and latched RTP; SIGTERM drains a host with no call
 * lost; a host added mid-test is used; a killed replica's calls are adopted; a killed host's calls
 * end as media-node-lost with callbacks. The drain timeline is logged for the closing note.
 */
class MultiHostE2eTest {

    private static final Logger LOG = Logger.getLogger(MultiHostE2eTest.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = MultiHostRig.WAIT;
    private static final Duration SIPP = Duration.ofSeconds(120);
    /** Five JVMs starting at once on a loaded two-core box took up to 55 s here. */
    private static final Duration STARTUP = Duration.ofSeconds(180);

    @Test
    void aNattedFleetBehindTheFrontTakesDrainsGainsAndLosesHostsAndReplicas() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "network namespaces and nftables need root; CI runs ./patchbay test as root");
        long began = System.nanoTime();
        try (MultiHostRig rig = new MultiHostRig()) {
            List<NsJava> started = List.of(rig.admin(), rig.controlPlane("cp1"), rig.controlPlane("cp2"),
                    rig.media("media-a"), rig.media("media-b"));
            await(rig::adminReady, STARTUP, started, "the admin-api to be ready");
            await(() -> rig.controlPlaneReady("cp1") && rig.controlPlaneReady("cp2"), STARTUP, started,
                    "both control-plane replicas to be ready");
            await(() -> rig.ready("media-a") && rig.ready("media-b"), STARTUP, started,
                    "both media hosts ready (registered, a replica connected)");
            KamailioFront front = rig.front(List.of("media-a", "media-b"));
            awaitFrontActive(front, "media-a", "media-b");

            callsReachBothHostsWithPublicAddressesAndLatchedEcho(rig);
            sigtermDrainsAHostWithNoCallLost(rig, started.get(3));
            aThirdHostJoinsAndIsUsed(rig, front);
            aKilledReplicasCallsAreKeptOrAdopted(rig, started.get(1), started.get(2));
            aKilledHostsCallsEndAsMediaNodeLostWithCallbacks(rig);
        }
        LOG.info(() -> "multi-host scenario took " + (System.nanoTime() - began) / 1_000_000 + " ms");
    }

    /** §1: SIPp asserts the public address in every 200's SDP and Contact; the caller counts the echo per public address. */
    private void callsReachBothHostsWithPublicAddressesAndLatchedEcho(MultiHostRig rig) throws Exception {
        Sipp.Result r = rig.sipp(front(rig), 6, Duration.ofSeconds(3)).await(SIPP);
        assertTrue(r.succeeded(), "6 calls through the front: " + r.output());
        Map<String, Long> spread = count(rig.rows("SELECT media_node FROM calls"));
        assertTrue(spread.getOrDefault(MultiHostRig.node("media-a"), 0L) >= 1
                && spread.getOrDefault(MultiHostRig.node("media-b"), 0L) >= 1, "calls on both hosts: " + spread);
        for (String media : List.of("media-a", "media-b")) {
            // The SDP named a home address nothing routes to: RTP came back only by latching, from the public address.
            long voiced = rig.rtpPackets("voiced", media);
            long all = rig.rtpPackets("all", media);
            assertTrue(voiced >= 50, media + " echoed " + voiced + " voiced packets (all: " + all + ")");
            LOG.info(() -> media + ": calls " + spread.get(MultiHostRig.node(media)) + ", RTP from " + MultiHostRig.publicAddress(media)
                    + " to the caller " + all + " packets, " + voiced + " voiced");
        }
        assertEquals(List.of(List.of("completed", "caller_bye")),
                rig.rows("SELECT DISTINCT status, hangup_cause FROM calls"), "every call ended by the caller");
    }

    /** §2: SIGTERM to media-a with calls up: they finish normally, new calls go to media-b, the row goes, the process exits 0. */
    private void sigtermDrainsAHostWithNoCallLost(MultiHostRig rig, NsJava mediaA) throws Exception {
        int before = rig.rows("SELECT id FROM calls").size();
        MultiHostRig.Sipp held = rig.sipp(front(rig), 6, Duration.ofSeconds(12));
        await(() -> live(rig).size() == 6, WAIT, "6 held calls answered");
        List<String> onA = rig.rows("SELECT id FROM calls WHERE ended_at IS NULL AND media_node = '" + MultiHostRig.node("media-a") + "'")
                .stream().map(row -> row.get(0)).toList();
        assertTrue(!onA.isEmpty(), "some held calls are on media-a: " + live(rig));

        Instant sigterm = Instant.now();
        mediaA.sigterm();
        await(() -> "draining".equals(state(rig, "media-a")), WAIT, "media-a's row to say draining");
        Sipp.Result during = rig.sipp(front(rig), 6, Duration.ofSeconds(1)).await(SIPP);
        assertTrue(during.succeeded(), "calls placed during the drain: " + during.output());
        Map<String, Long> newSpread = count(rig.rows("SELECT media_node FROM calls WHERE created_at > TIMESTAMP WITH TIME ZONE '"
                + sigterm + "'"));
        assertEquals(Map.of(MultiHostRig.node("media-b"), 6L), newSpread, "new calls all on the other host");

        Sipp.Result heldResult = held.await(SIPP);
        assertTrue(heldResult.succeeded(), "the held calls, 0 lost: " + heldResult.output());
        NsJava.Exit exit = mediaA.awaitExit(Duration.ofSeconds(90));
        assertEquals(0, exit.code(), "a clean drain exits 0: " + mediaA.tail());
        await(() -> state(rig, "media-a") == null, WAIT, "media-a to leave the node table");
        List<List<String>> ended = rig.rows("SELECT hangup_cause, (extract(epoch FROM ended_at) * 1000)::bigint FROM calls WHERE id IN ("
                + onA.stream().map(id -> "'" + id + "'").collect(Collectors.joining(",")) + ")");
        long lost = ended.stream().filter(row -> !"caller_bye".equals(row.get(0))).count();
        assertEquals(0, lost, "media-a's calls not ended by their caller: " + ended);
        long lastEnd = ended.stream().mapToLong(row -> Long.parseLong(row.get(1))).max().orElseThrow();
        long toLast = lastEnd - sigterm.toEpochMilli();
        long toExit = exit.at().toEpochMilli() - sigterm.toEpochMilli();
        assertEquals(before + 12, rig.rows("SELECT id FROM calls").size(), "every call has a record");
        LOG.info(() -> "drain timeline (media-a, " + onA.size() + " calls up at SIGTERM): SIGTERM -> last call end " + toLast
                + " ms, -> process exit " + toExit + " ms (" + (toExit - toLast) + " ms after the last call); calls lost " + lost);
    }

    /** §5: media-c starts, registers, both replicas pick it up, the front gets a line for it; nothing restarts. */
    private void aThirdHostJoinsAndIsUsed(MultiHostRig rig, KamailioFront front) throws Exception {
        NsJava mediaC = rig.media("media-c");
        await(() -> rig.ready("media-c"), STARTUP, List.of(mediaC), "media-c to be ready");
        for (String replica : List.of("cp1", "cp2")) {
            await(() -> knows(rig, replica, MultiHostRig.node("media-c")), WAIT, replica + " to discover media-c");
        }
        front.reload(MultiHostRig.sipHosts(List.of("media-b", "media-c"))); // media-a has left
        awaitFrontActive(front, "media-b", "media-c");
        Instant from = Instant.now();
        long voicedBefore = rig.rtpPackets("voiced", "media-c");
        Sipp.Result r = rig.sipp(front(rig), 4, Duration.ofSeconds(3)).await(SIPP);
        assertTrue(r.succeeded(), r.output());
        Map<String, Long> spread = count(rig.rows("SELECT media_node FROM calls WHERE created_at > TIMESTAMP WITH TIME ZONE '" + from + "'"));
        assertTrue(spread.getOrDefault(MultiHostRig.node("media-c"), 0L) >= 1, "the new host got calls: " + spread);
        assertTrue(rig.rtpPackets("voiced", "media-c") - voicedBefore >= 50, "media-c's echo came back through its NAT");
    }

    /** §4: calls on media-b and media-c, the replica bridging most of them is killed -9; the other owns every call and the echo goes on. */
    private void aKilledReplicasCallsAreKeptOrAdopted(MultiHostRig rig, NsJava cp1, NsJava cp2) throws Exception {
        MultiHostRig.Sipp held = rig.sipp(front(rig), 6, Duration.ofSeconds(15));
        await(() -> live(rig).size() == 6 && live(rig).stream().allMatch(row -> row.get(2) != null), WAIT,
                "6 held calls answered and bridged");
        Map<String, Long> hosts = count(live(rig), 1);
        assertEquals(2, hosts.size(), "held calls on both media-b and media-c: " + hosts);
        Map<String, Long> owners = count(live(rig), 2);
        boolean killCp1 = owners.getOrDefault("cp1", 0L) >= owners.getOrDefault("cp2", 0L);
        NsJava victim = killCp1 ? cp1 : cp2;
        String survivor = killCp1 ? "cp2" : "cp1";
        List<String> orphans = live(rig).stream().filter(row -> victim.name.equals(row.get(2))).map(row -> row.get(0)).toList();
        long b = rig.rtpPackets("voiced", "media-b");
        long c = rig.rtpPackets("voiced", "media-c");
        victim.kill9();
        Instant killed = Instant.now();
        await(() -> live(rig).stream().allMatch(row -> survivor.equals(row.get(2))), WAIT,
                "every live call bridged by " + survivor + " after the other was killed (owners before: " + owners + ")");
        long adoptedAfter = Duration.between(killed, Instant.now()).toMillis();
        for (String id : orphans) {
            List<List<String>> adopted = rig.rows("SELECT detail FROM call_events WHERE call_id = '" + id + "' AND type = 'bridge-adopted'");
            assertTrue(!adopted.isEmpty() && adopted.stream().allMatch(row -> row.get(0).contains(survivor)),
                    "the killed replica's call " + id + " adopted by " + survivor + ": " + adopted);
        }
        long bAt = rig.rtpPackets("voiced", "media-b");
        long cAt = rig.rtpPackets("voiced", "media-c");
        await(() -> rig.rtpPackets("voiced", "media-b") > bAt + 50 && rig.rtpPackets("voiced", "media-c") > cAt + 50, WAIT,
                "the echo to flow again on both hosts (before the kill: b " + b + ", c " + c + ")");
        Sipp.Result r = held.await(SIPP);
        assertTrue(r.succeeded(), "every held call ended normally: " + r.output());
        LOG.info(() -> victim.name + " killed with " + owners + " bridges; " + survivor + " owned every call after "
                + adoptedAfter + " ms");
    }

    /** §3: kill -9 of media-c with calls up: their records end as media-node-lost within 30 s of the lapse, with callbacks. */
    private void aKilledHostsCallsEndAsMediaNodeLostWithCallbacks(MultiHostRig rig) throws Exception {
        NsJava mediaC = rig.process("media-c");
        // Straight to the host's public address, so every call is on the host that dies.
        MultiHostRig.Sipp doomed = rig.sipp(MultiHostRig.publicAddress("media-c") + ":5060", 3, Duration.ofSeconds(60));
        await(() -> live(rig).size() == 3, WAIT, "3 calls up on media-c");
        // As a call placed with a callback_url (POST /v1/calls) would carry it, signed with a secret from the admin-api.
        String secret = rig.rotateWebhookSecret("ws_demo");
        rig.sql("UPDATE calls SET callback_url = '" + rig.callbacks.url() + "' WHERE ended_at IS NULL");
        mediaC.kill9();
        Instant lastBeat = Instant.ofEpochMilli(Long.parseLong(rig.rows(
                "SELECT (extract(epoch FROM heartbeat_at) * 1000)::bigint FROM media_nodes WHERE node_id = 'media-c'").get(0).get(0)));
        await(() -> live(rig).isEmpty(), Duration.ofSeconds(45), "media-c's call records to be ended");
        List<List<String>> rows = rig.rows("SELECT id, hangup_cause, (extract(epoch FROM ended_at) * 1000)::bigint FROM calls"
                + " WHERE media_node = '" + MultiHostRig.node("media-c") + "' AND callback_url IS NOT NULL");
        assertEquals(3, rows.size(), rows.toString());
        List<String> lapses = new ArrayList<>();
        for (List<String> row : rows) {
            assertEquals("media-node-lost", row.get(1), row.toString());
            long afterLapse = Long.parseLong(row.get(2)) - lastBeat.plus(MultiHostRig.LAPSE).toEpochMilli();
            assertTrue(afterLapse < 30_000, "ended within 30 s of the lapse: " + row);
            lapses.add(afterLapse + " ms");
        }
        for (int i = 0; i < 3; i++) {
            CallbackReceiver.Received received = rig.callbacks.next(WAIT);
            assertTrue(received.verifiedWith(secret), "a signed callback: " + received);
            JsonNode cb = JSON.readTree(received.body());
            assertEquals("media-node-lost", cb.get("hangup_cause").asText(), cb.toString());
        }
        doomed.process().destroyForcibly();
        LOG.info(() -> "kill -9 of media-c: its 3 calls ended as media-node-lost " + lapses + " after its heartbeat lapsed");
    }

    /** Polls every 200 ms: each check is a query, an HTTP request or an nft run on a busy box. */
    private static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        Await.until(condition, timeout, Duration.ofMillis(200), () -> what);
    }

    /** As above, failing at once, with its log, if a process that should be running has exited. */
    private static void await(java.util.function.BooleanSupplier condition, Duration timeout, List<NsJava> running, String what)
            throws InterruptedException {
        MultiHostRig.awaitRunning(condition, timeout, running, what);
    }

    private static String front(MultiHostRig rig) {
        return rig.frontAddress();
    }

    /** Live answered calls: id, media node, bridge owner. */
    private static List<List<String>> live(MultiHostRig rig) {
        return rig.rows("SELECT id, media_node, bridge_owner FROM calls WHERE ended_at IS NULL AND answered_at IS NOT NULL");
    }

    private static String state(MultiHostRig rig, String node) {
        List<List<String>> r = rig.rows("SELECT state FROM media_nodes WHERE node_id = '" + node + "'");
        return r.isEmpty() ? null : r.get(0).get(0);
    }

    /** Whether the replica's /health/ready lists the node. */
    private static boolean knows(MultiHostRig rig, String replica, String node) {
        String body = MultiHostRig.body("http://" + rig.net(MultiHostRig.subnet(replica), 2) + ":8080/health/ready");
        try {
            for (JsonNode n : JSON.readTree(body).path("media_nodes")) {
                if (n.path("node").asText().equals(node)) {
                    return true;
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }

    private static void awaitFrontActive(KamailioFront front, String... media) throws InterruptedException {
        await(() -> MultiHostRig.sipHosts(List.of(media)).values().stream().allMatch(front::active), WAIT,
                "the front's OPTIONS probes to find " + List.of(media) + " active");
    }

    private static Map<String, Long> count(List<List<String>> rows) {
        return count(rows, 0);
    }

    /** How many rows have each value in column {@code col}. */
    private static Map<String, Long> count(List<List<String>> rows, int col) {
        return rows.stream().collect(Collectors.groupingBy(r -> String.valueOf(r.get(col)), Collectors.counting()));
    }

}
