package dev.patchbay.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20 §3, chaos: PostgreSQL restarts in the middle of 50 calls. The calls go on (media and SIP
 * do not touch the database), and every state change written while it was down, here every hang-up,
 * is in the database afterwards, once, with its event row. A private PostgreSQL 15 is stopped and
 * started, never the shared one.
 */
class PostgresRestartChaosE2eTest {

    private static final Logger LOG = Logger.getLogger(PostgresRestartChaosE2eTest.class.getName());
    private static final int CALLS = 50;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Long enough for the 50 set-ups (25 s at 2/s) before the first hang-up. */
    private static final Duration HOLD = Duration.ofSeconds(45);
    private static final Duration OUTAGE = Duration.ofSeconds(80);
    
    @Test
    void fiftyCallsOutliveAPostgresRestartAndNoRowIsLost() throws Exception {
        try (PrivatePostgres pg = new PrivatePostgres();
             Gateway gw = new Gateway(settings(pg), false, Duration.ofSeconds(30))) {
            gw.awaitConnected(WAIT);
            pg.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_c', 'C', TRUE, CURRENT_TIMESTAMP)",
                    "INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_c', 'ws_c', 'Echo', 'echo', CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_c', 'ws_c', 'echo', 'bot_c', CURRENT_TIMESTAMP)");
            MultiHostRig.Sipp sipp = ChaosCaller.place(gw.sipPort, CALLS, HOLD);
            try {
                Await.until(() -> count(pg, "SELECT count(*) FROM calls WHERE answered_at IS NOT NULL") == CALLS, WAIT,
                        () -> CALLS + " calls answered and recorded");
                Instant down = Instant.now();
                pg.stop();
                // Every call hangs up while PostgreSQL is down: SIPp's verdict comes before the restart.
                Sipp.Result r = sipp.await(WAIT.plus(HOLD));
                assertTrue(r.succeeded(), "every call went on and ended with its caller's BYE answered: " + r.output());
                Await.until(() -> gw.media.calls().activeCalls() == 0, WAIT, "the media-plane to tear every call down");
                // Down longer than the pool's 30 s connectionTimeout past the first hang-up, which hid shorter outages.
                Await.until(() -> Duration.between(down, Instant.now()).compareTo(OUTAGE) >= 0, OUTAGE.plus(WAIT), () -> "the outage's " + OUTAGE);
                pg.start();
                Instant up = Instant.now();
                Await.until(() -> count(pg, "SELECT count(*) FROM calls WHERE ended_at IS NOT NULL") == CALLS, WAIT,
                        () -> "every call's end written after the restart (ended: "
                                + pg.rows("SELECT count(*) FROM calls WHERE ended_at IS NOT NULL") + ")");
                Instant written = Instant.now();
                assertEquals(List.of(List.of("completed", "caller_bye", Integer.toString(CALLS))),
                        pg.rows("SELECT status, hangup_cause, count(*) FROM calls GROUP BY status, hangup_cause"),
                        "every call completed by its caller");
                List<List<String>> events = pg.rows("SELECT call_id, type, count(*) FROM call_events GROUP BY call_id, type");
                Map<String, Long> perType = events.stream().collect(Collectors.groupingBy(e -> e.get(1),
                        Collectors.summingLong(e -> Long.parseLong(e.get(2)))));
                assertTrue(events.stream().allMatch(e -> "1".equals(e.get(2))), "no event written twice: " + events);
                assertEquals(CALLS, perType.getOrDefault("completed", 0L), "one 'completed' event per call: " + perType);
                long endedDuringOutage = count(pg, "SELECT count(*) FROM calls WHERE ended_at >= TIMESTAMP WITH TIME ZONE '" + down + "'");
                long outage = Duration.between(down, up).toMillis();
                long catchUp = Duration.between(up, written).toMillis();
                LOG.info(() -> "PostgreSQL down " + outage + " ms with " + CALLS + " calls up; " + endedDuringOutage
                        + " hang-ups during the outage all written " + catchUp + " ms after the restart; "
                        + events.size() + " (call, event type) pairs checked, each once; events by type " + perType);
            } finally {
                sipp.process().destroyForcibly();
            }
        }
    }

    /**
     * The control-plane on the private PostgreSQL. -Dpatchbay.chaos.outage-retry=PT0S runs it as the code
     * before the fix did (no retry), which loses the hang-ups written during the outage.
     */
    private static Map<String, String> settings(PrivatePostgres pg) {
        Map<String, String> s = new java.util.HashMap<>(Map.of("patchbay.db.connection.url", pg.url(),
                "patchbay.db.connection.username", PrivatePostgres.USER, "patchbay.db.connection.password", ""));
        String retry = System.getProperty("patchbay.chaos.outage-retry");
        if (retry != null) {
            s.put("patchbay.control.db.outage-retry", retry);
        }
        return s;
    }

    private static long count(PrivatePostgres pg, String query) {
        try {
            return Long.parseLong(pg.rows(query).get(0).get(0));
        } catch (IllegalStateException e) {
            return -1; // not up (yet)
        }
    }
}
