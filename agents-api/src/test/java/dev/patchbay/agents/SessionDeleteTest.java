package dev.patchbay.agents;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 003 §6, over real HTTP and PostgreSQL: {@code DELETE /sessions/{id}} clears everything the seed's
 * "All data cleared" covers (dial jobs, webhook bodies, call events, recordings, numbers, transcripts,
 * contacts) and nothing of another session.
 */
class SessionDeleteTest {

    private static AgentsRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    /** A call of the session with an event, a webhook row, a transcript segment, a recording and a dial job. */
    private static String callWithTraces(CallRows rows, String session, String job) throws Exception {
        Instant t = Instant.parse("2026-02-05T12:00:00Z");
        String call = rows.add(session, "+14155551234", "completed", t, t, t.plusSeconds(30), "US", "mobile", 125_000L, 4.2);
        rig.sql("UPDATE calls SET from_number = '+12025551000', recording_url = '/var/rec/" + call + ".wav' WHERE id = '" + call + "'");
        rig.sql("INSERT INTO call_events (call_id, at, type, detail) VALUES ('" + call + "', CURRENT_TIMESTAMP, 'completed', 'bye')");
        rig.sql("INSERT INTO outbox (id, workspace_id, call_id, kind, url, body, signing_key_id, next_attempt_at, created_at)"
                + " VALUES ('ob_" + call + "', 'ws_a', '" + call + "', 'agent_webhook', 'https://agent.example/h',"
                + " '{\"to_number\":\"+14155551234\"}', 'k', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        rig.sql("INSERT INTO transcript_segments (call_id, speaker, text, offset_seconds, created_at)"
                + " VALUES ('" + call + "', 'customer', 'hello', 0.5, CURRENT_TIMESTAMP)");
        for (String state : new String[] {"pending", "completed"}) {
            rig.sql("INSERT INTO dial_jobs (id, session_id, kind, to_number, request, priority, max_attempts, retry_interval_s,"
                    + " attempts, state, run_at, call_id, created_at, updated_at) VALUES ('" + job + "_" + state + "', '" + session
                    + "', 'batch', '+14155551234', '{}', 1, 1, 60, 0, '" + state + "', CURRENT_TIMESTAMP, "
                    + ("completed".equals(state) ? "'" + call + "'" : "NULL") + ", CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        }
        return call;
    }

    private static long traces(String session, String call) throws Exception {
        String in = "'" + call + "'";
        return rig.count("SELECT COUNT(*) FROM call_events WHERE call_id = " + in)
                + rig.count("SELECT COUNT(*) FROM outbox WHERE call_id = " + in)
                + rig.count("SELECT COUNT(*) FROM transcript_segments WHERE call_id = " + in)
                + rig.count("SELECT COUNT(*) FROM agent_calls WHERE call_id = " + in)
                + rig.count("SELECT COUNT(*) FROM dial_jobs WHERE session_id = '" + session + "'")
                + rig.count("SELECT COUNT(*) FROM calls WHERE id = " + in + " AND (recording_url IS NOT NULL"
                        + " OR to_number IS NOT NULL OR from_number IS NOT NULL)");
    }

    @Test
    void deletingASessionClearsItsJobsWebhookBodiesEventsAndRecordingsOnly() throws Exception {
        CallRows rows = new CallRows(rig);
        String gone = rig.session("agent-del").get("session_id").asText();
        String kept = rig.session("agent-keep").get("session_id").asText();
        String goneCall = callWithTraces(rows, gone, "job_gone");
        String keptCall = callWithTraces(rows, kept, "job_kept");
        assertEquals(7, traces(gone, goneCall));
        assertEquals(7, traces(kept, keptCall));

        assertEquals(200, rig.call("DELETE", "/api/v1/sessions/" + gone, KEY_A, "agent-del", null).status());

        assertEquals(0, traces(gone, goneCall));
        assertEquals(1, rig.count("SELECT COUNT(*) FROM calls WHERE id = '" + goneCall + "'"),
                "the call row stays for the provider API and billing, without numbers or recording");
        assertEquals(7, traces(kept, keptCall), "another session's data is untouched");
        // The file itself is on the media node: queued for the recording sweeper, which deletes it there.
        assertEquals(1, rig.count("SELECT COUNT(*) FROM recording_deletions WHERE call_id = '" + goneCall + "'"));
        assertEquals(0, rig.count("SELECT COUNT(*) FROM recording_deletions WHERE call_id = '" + keptCall + "'"));
    }
}
