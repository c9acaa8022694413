package dev.patchbay.admin.testing;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes {@code calls} and {@code call_events} rows as the control-plane does: the admin-api only
 * reads them, so its tests put them in the database directly.
 */
public final class Calls {

    private static final AtomicLong SEQ = new AtomicLong();

    private Calls() {
    }

    /**
     * A call created at {@code createdAt}; {@code state} "live" leaves it in progress, "ended" completes it
     * a minute later. Two events are recorded either way.
     */
    public static String insert(PostgresSchema db, String ws, String bot, String state, String from, String to,
                                Instant createdAt) {
        String id = "CA" + Long.toHexString(System.nanoTime()) + SEQ.incrementAndGet();
        boolean live = state.equals("live");
        String at = "TIMESTAMP WITH TIME ZONE '" + createdAt + "'";
        String ended = live ? "NULL" : "TIMESTAMP WITH TIME ZONE '" + createdAt.plusSeconds(60) + "'";
        db.execute("INSERT INTO calls (id, workspace_id, bot_id, direction, status, from_number, to_number, media_node,"
                + " created_at, answered_at, ended_at) VALUES ('" + id + "', '" + ws + "', '" + bot + "', 'inbound', '"
                + (live ? "in-progress" : "completed") + "', '" + from + "', '" + to + "', 'node-1', " + at + ", " + at
                + ", " + ended + ")");
        db.execute("INSERT INTO call_events (call_id, at, type, detail) VALUES ('" + id + "', " + at + ", 'ringing', 'INVITE')");
        db.execute("INSERT INTO call_events (call_id, at, type, detail) VALUES ('" + id + "', " + at + ", 'answered', NULL)");
        return id;
    }

    public static String insert(PostgresSchema db, String ws, String bot, String state, String from, String to) {
        return insert(db, ws, bot, state, from, to, Instant.now());
    }
}
