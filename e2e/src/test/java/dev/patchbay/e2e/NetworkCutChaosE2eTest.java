package dev.patchbay.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 20 §3, chaos: the network between a media host and its control-plane is cut (nftables drops
 * every packet between their subnets in the router namespace of {@link MultiHostRig}) for at least
 * 10 s, and until every caller has hung up, so each hang-up happens during the cut. The calls keep
 * their media (the host plays on to the caller), the hang-ups reach the control-plane once the network
 * is back, and each call has one end, one 'completed' event and one callback.
 */
class NetworkCutChaosE2eTest {

    private static final Logger LOG = Logger.getLogger(NetworkCutChaosE2eTest.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = 6;
    private static final Duration CUT = Duration.ofSeconds(10);
    private static final Duration HOLD = Duration.ofSeconds(20);
    private static final Duration STARTUP = Duration.ofSeconds(180);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void callsOutliveACutBetweenMediaAndControlAndTheirEventsArriveOnce() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "network namespaces and nftables need root; CI runs ./patchbay test as root");
        try (MultiHostRig rig = new MultiHostRig()) {
            List<NsJava> started = List.of(rig.admin(), rig.controlPlane("cp1"), rig.media("media-a"));
            await(() -> rig.adminReady() && rig.controlPlaneReady("cp1") && rig.ready("media-a"), STARTUP, started,
                    "the admin-api, cp1 and media-a to be ready");
            MultiHostRig.Sipp held = rig.sipp(MultiHostRig.publicAddress("media-a") + ":5060", CALLS, HOLD);
            await(() -> live(rig).size() == CALLS && live(rig).stream().allMatch(row -> row.get(1) != null), WAIT, started,
                    CALLS + " calls answered and bridged");
            String secret = rig.rotateWebhookSecret("ws_demo");
            rig.sql("UPDATE calls SET callback_url = '" + rig.callbacks.url() + "' WHERE ended_at IS NULL");

            long allBefore = rig.rtpPackets("all", "media-a");
            Instant cut = Instant.now();
            rig.netns.nft(rig.router, cutRules(rig));
            Sipp.Result r = held.await(WAIT.plus(HOLD));
            assertTrue(r.succeeded(), "every call went on and ended with its caller's BYE answered: " + r.output());
            // The cut lasts at least CUT even if the callers were quicker.
            await(() -> Duration.between(cut, Instant.now()).compareTo(CUT) >= 0, WAIT, started, "the cut's " + CUT);
            long duringCut = rig.rtpPackets("all", "media-a") - allBefore;
            assertEquals(CALLS, live(rig).size(), "no end reached the database during the cut");
            rig.netns.inside(rig.router, "nft", "delete", "table", "inet", "chaos_cut");
            Instant healed = Instant.now();
            long cutMs = Duration.between(cut, healed).toMillis();

            await(() -> live(rig).isEmpty(), WAIT, started, "every call's end to be written after the network came back");
            long delayed = Duration.between(healed, Instant.now()).toMillis();
            assertEquals(List.of(List.of("completed", "caller_bye", Integer.toString(CALLS))),
                    rig.rows("SELECT status, hangup_cause, count(*) FROM calls GROUP BY status, hangup_cause"));
            assertEquals(List.of(), rig.rows("SELECT call_id, type, count(*) FROM call_events GROUP BY call_id, type HAVING count(*) > 1"),
                    "no event written twice");
            Map<String, Integer> callbacks = new HashMap<>();
            for (int i = 0; i < CALLS; i++) {
                CallbackReceiver.Received received = rig.callbacks.next(WAIT);
                assertTrue(received.verifiedWith(secret), "a signed callback: " + received);
                callbacks.merge(JSON.readTree(received.body()).get("call_id").asText(), 1, Integer::sum);
            }
            assertEquals(CALLS, callbacks.size(), "one callback for each call: " + callbacks);
            assertEquals(List.of(List.of(Integer.toString(CALLS))), rig.rows("SELECT count(*) FROM outbox"), "one outbox row per call");
            // At 50 packets/s per call the caller heard the host all through the cut (silence while the bot was away).
            assertTrue(duringCut >= CALLS * 50L * CUT.toSeconds() / 2, "RTP to the callers during the cut: " + duringCut);
            LOG.info(() -> "network between media-a and cp1 cut " + cutMs + " ms with " + CALLS + " calls up; " + duringCut
                    + " RTP packets reached the callers during the cut; all " + CALLS + " hang-ups (during the cut) written "
                    + delayed + " ms after it healed; 1 'completed' event and 1 callback per call");
        }
    }

    /** Drops everything between media-a's and cp1's subnets, both ways, where the router forwards it. */
    private static String cutRules(MultiHostRig rig) {
        String media = rig.net(MultiHostRig.subnet("media-a"), 0) + "/24";
        String cp = rig.net(MultiHostRig.subnet("cp1"), 0) + "/24";
        return "table inet chaos_cut {\n  chain forward {\n    type filter hook forward priority -10; policy accept;\n"
                + "    ip saddr " + media + " ip daddr " + cp + " drop\n"
                + "    ip saddr " + cp + " ip daddr " + media + " drop\n  }\n}\n";
    }

    /** Live answered calls: id, bridge owner. */
    private static List<List<String>> live(MultiHostRig rig) {
        return rig.rows("SELECT id, bridge_owner FROM calls WHERE ended_at IS NULL AND answered_at IS NOT NULL");
    }

    private static void await(BooleanSupplier condition, Duration timeout, List<NsJava> running, String what) throws InterruptedException {
        MultiHostRig.awaitRunning(condition, timeout, running, what);
    }
}
