package dev.patchbay.agents;

import java.time.Instant;

/** Writes calls placed by agents straight into calls and agent_calls, as the call flow would leave them. */
final class CallRows {

    private final AgentsRig rig;
    private int next;

    CallRows(AgentsRig rig) {
        this.rig = rig;
    }

    /** An ended or unanswered outbound call of {@code sessionId}; null times and values stay NULL. */
    String add(String sessionId, String to, String status, Instant created, Instant answered, Instant ended,
               String country, String type, Long costMicros, Double mos) throws Exception {
        String id = "call_" + sessionId.substring(Math.max(0, sessionId.length() - 8)) + "_" + (++next);
        rig.sql("INSERT INTO calls (id, workspace_id, direction, status, to_number, media_node, created_at, answered_at,"
                + " ended_at) VALUES ('" + id + "', 'ws_a', 'outbound', '" + status + "', '" + to + "', 'node-1', "
                + ts(created) + ", " + ts(answered) + ", " + ts(ended) + ")");
        rig.sql("INSERT INTO agent_calls (call_id, session_id, agent_id, privacy_mode, max_duration, record_call, transcribe,"
                + " country, number_type, rate_micros, currency, cost_micros, mos, created_at) VALUES ('" + id + "', '"
                + sessionId + "', 'agent', TRUE, 3600, FALSE, FALSE, " + str(country) + ", " + str(type) + ", 125000, 'USD', "
                + (costMicros == null ? "NULL" : costMicros) + ", " + (mos == null ? "NULL" : mos) + ", " + ts(created) + ")");
        return id;
    }

    private static String ts(Instant t) {
        return t == null ? "NULL" : "TIMESTAMP WITH TIME ZONE '" + t + "'";
    }

    private static String str(String s) {
        return s == null ? "NULL" : "'" + s + "'";
    }
}
