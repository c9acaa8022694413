package dev.patchbay.agents;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.patchbay.agents.calls.ReservationSweeper;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.control.testing.SteerableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 18: a process killed between a call's reservation and its settlement leaves the money held;
 * the sweeper of any surviving replica settles it from the call's real record, or releases it when
 * no call was recorded, and leaves a live call's reservation alone. The reserving process is a real
 * JVM killed with SIGKILL; the rest runs against real PostgreSQL.
 */
@ExtendWith(AgentsRigFixture.class)
class WalletCrashSweepTest {

    @Test
    void aKilledProcesssReservationsAreSettledFromTheRecordsOrReleased(AgentsRig rig) throws Exception {
        String sid = rig.session("agent-crash").get("session_id").asText();
        rig.grant(sid, 10_000_000);
        Instant now = rig.now.get();
        CallRows rows = new CallRows(rig);
        String ended = rows.add(sid, "+14155551234", "in-progress", now.minusSeconds(200), now.minusSeconds(150), null,
                "US", "mobile", null, null);
        String live = rows.add(sid, "+14155551235", "in-progress", now.minusSeconds(30), now.minusSeconds(20), null,
                "US", "mobile", null, null);
        // Answered 605 s ago against a 600 s reservation: the media-plane's BYE at 600 s took a moment.
        String overrun = rows.add(sid, "+14155551236", "in-progress", now.minusSeconds(610), now.minusSeconds(605), null,
                "US", "mobile", null, null);

        List<String> held = reserveInAProcessThenKillIt(rig, sid, now, "-", ended, live, overrun);
        assertEquals(4, held.size());
        // 4 x 600 s at 0.125 a minute = 4 x 1.25 held; the wallet shows only what is left.
        assertEquals(5_000_000, account(rig, sid, "available"));
        assertEquals(5_000_000, account(rig, sid, "reserved"));
        assertEquals(4, rig.count("SELECT COUNT(*) FROM wallet_reservations WHERE session_id = '" + sid
                + "' AND state = 'held'"), "the kill left all four held");

        // The call ends 150 s after its answer, recorded as any surviving replica records a hang-up.
        CallStore calls = new CallStore(rig.client, new SteerableClock(rig.now));
        assertEquals(true, calls.end(ended, CallStatus.COMPLETED, "normal", 0, null, null));
        assertEquals(true, calls.end(overrun, CallStatus.COMPLETED, "max-duration", 0, null, null));

        ReservationSweeper sweeper = rig.api.sweeper();
        assertEquals(new ReservationSweeper.Pass(0, 0, 0), sweeper.sweep(), "nothing is swept within the grace period");
        rig.now.set(now.plus(Duration.ofMinutes(3)));
        assertEquals(new ReservationSweeper.Pass(2, 1, 1), sweeper.sweep());

        // 150 s is 3 started minutes: 0.375 spent, the rest of its 1.25 back; the unplaced 1.25 back in full.
        assertEquals(375_000, rig.count("SELECT cost_micros FROM wallet_reservations WHERE call_id = '" + ended + "'"));
        assertEquals(0, rig.count("SELECT cost_micros FROM wallet_reservations WHERE id = '" + held.get(0) + "'"));
        // The overrun pays its 600 reserved seconds (10 minutes), not the 11th minute its BYE started.
        assertEquals(10, rig.count("SELECT billed_minutes FROM agent_calls WHERE call_id = '" + overrun + "'"));
        assertEquals(1_250_000, rig.count("SELECT cost_micros FROM agent_calls WHERE call_id = '" + overrun + "'"));
        assertEquals(10_000_000 - 375_000 - 1_250_000 - 1_250_000, account(rig, sid, "available"));
        assertEquals(1_250_000, account(rig, sid, "reserved"), "the live call keeps its reservation");
        assertEquals(375_000 + 1_250_000, account(rig, sid, "spent"));
        assertEquals(-10_000_000, account(rig, sid, "funding"));
        assertEquals(3, rig.count("SELECT billed_minutes FROM agent_calls WHERE call_id = '" + ended + "'"));
        assertEquals(375_000, rig.count("SELECT cost_micros FROM agent_calls WHERE call_id = '" + ended + "'"));
        assertEquals(0, rig.count("SELECT COUNT(*) FROM (SELECT txn_id FROM wallet_entries WHERE session_id = '" + sid
                + "' GROUP BY txn_id HAVING SUM(amount_micros) <> 0) unbalanced"), "every transaction balances");

        assertEquals(new ReservationSweeper.Pass(0, 0, 1), sweeper.sweep(), "a second pass settles nothing twice");
        assertEquals(10_000_000 - 375_000 - 1_250_000 - 1_250_000, account(rig, sid, "available"));
        AgentsRig.Answer balance = rig.call("GET", "/api/v1/wallet/balance?session_id=" + sid, KEY_A, "agent-crash", null);
        assertEquals(7.125, balance.body().get("balance").get("value").asDouble());
        assertEquals(1.25, balance.body().get("reserved").get("value").asDouble());
    }

    private static long account(AgentsRig rig, String sid, String account) throws Exception {
        return rig.count("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + sid + "' AND account = '"
                + account + "'");
    }

    /** Runs {@link ReservingProcess}, waits until it holds the money, then SIGKILLs it; returns the reservation ids. */
    private static List<String> reserveInAProcessThenKillIt(AgentsRig rig, String sid, Instant at, String... calls) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), ReservingProcess.class.getName(), rig.db.url(), sid, "ws_a",
                at.toString()));
        command.addAll(List.of(calls));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String l = out.readLine(); l != null; l = out.readLine()) {
                        if (l.startsWith("HELD")) {
                            return l;
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("the reserving process exited with " + p.waitFor() + " before reserving");
            }
            List<String> ids = List.of(line.substring("HELD ".length()).split(" "));
            p.destroyForcibly();
            assertEquals(true, p.waitFor(10, TimeUnit.SECONDS));
            assertFalse(p.isAlive());
            assertEquals(137, p.exitValue(), "killed by SIGKILL, no shutdown hook ran");
            return ids;
        } finally {
            p.destroyForcibly();
        }
    }
}
