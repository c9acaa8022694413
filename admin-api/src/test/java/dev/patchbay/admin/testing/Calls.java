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

    /** A carrier's INVITE headers, as the control-plane stores them (V29, its InviteHeaders document), in order. */
    public static final String CARRIER_INVITE = "{\"headers\": ["
            + "{\"name\": \"Via\", \"value\": \"SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1\"},"
            + "{\"name\": \"Max-Forwards\", \"value\": \"69\"},"
            + "{\"name\": \"From\", \"value\": \"<sip:+33142685300@carrier.example>;tag=as5f\"},"
            + "{\"name\": \"To\", \"value\": \"<sip:+442079460000@patchbay.example>\"},"
            + "{\"name\": \"Call-ID\", \"value\": \"7f3a9c@192.0.2.10\"},"
            + "{\"name\": \"CSeq\", \"value\": \"102 INVITE\"},"
            + "{\"name\": \"User-Agent\", \"value\": \"Carrier SBC 12.1\"},"
            + "{\"name\": \"P-Asserted-Identity\", \"value\": \"\\\"Marie\\\" <sip:+33142685300@carrier.example>\"},"
            + "{\"name\": \"Diversion\", \"value\": \"<sip:+442079460999@carrier.example>;reason=unconditional\"},"
            + "{\"name\": \"X-Customer-Id\", \"value\": \"cust-4711\"},"
            + "{\"name\": \"Content-Type\", \"value\": \"application/sdp\"}], \"omitted\": 2}";

    /**
     * Stores {@link #CARRIER_INVITE} on the call with its Request-URI user and Call-ID, as the control-plane's first
     * insert of an inbound call does.
     */
    public static void inviteHeaders(PostgresSchema db, String id) {
        db.execute("UPDATE calls SET sip_headers = CAST('" + CARRIER_INVITE.replace("'", "''") + "' AS json_document),"
                + " to_raw = '+442079460000', sip_call_id = '7f3a9c@192.0.2.10' WHERE id = '" + id + "'");
    }

    /** The quality the control-plane stores at hang-up: 12 of 3000 packets lost, 4.25 ms of jitter, MOS 4.33. */
    public static void quality(PostgresSchema db, String id) {
        db.execute("UPDATE calls SET rtp_packets_expected = 3000, rtp_packets_lost = 12, jitter_ms = 4.25,"
                + " packet_loss = 0.004, mos = 4.33 WHERE id = '" + id + "'");
    }
}
