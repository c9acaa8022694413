package dev.patchbay.control.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallRecord.Direction;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.model.InviteHeaders;
import dev.patchbay.control.quality.CallQuality;
import dev.patchbay.metrics.quality.EModel;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.proto.media.v1.SipHeader;
import dev.patchbay.schema.DbSettings;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * V29 on both databases a call can be stored in: the INVITE's headers go in with the call's first insert (JSONB on
 * PostgreSQL, text on H2, the same statement) without the credentials, its quality with its end, and both read back
 * only in the call's own workspace.
 */
class CallSipHeadersQualityStoreTest {

    private static final String SECRET = "Digest username=\"carrier\", response=\"6629fae49393a05397450978507c4ef1\"";

    @Test
    void onPostgres() throws Exception {
        try (TestDb db = new TestDb()) {
            exercise(db.settings());
        }
    }

    @Test
    void onH2() throws Exception {
        Path dir = Files.createTempDirectory("callstore-v29-h2");
        // A new H2 file takes its first user, here the PostgreSQL tests', as its owner.
        exercise(new DbSettings("jdbc:h2:file:" + dir.resolve("db") + ";DATABASE_TO_LOWER=TRUE", TestDb.USER, TestDb.PASSWORD));
    }

    private static void exercise(DbSettings settings) throws Exception {
        Migrations.migrate(settings);
        try (Connection c = DriverManager.getConnection(settings.url(), settings.username(), settings.password());
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_a', 'A', TRUE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_b', 'B', TRUE, CURRENT_TIMESTAMP)");
        }
        DbClient client = DbClient.create(CallStoreTest.config(settings.url()).get("patchbay.db"));
        try {
            CallStore store = new CallStore(client, Clock.systemUTC());
            List<SipHeader> invite = new ArrayList<>();
            for (String[] h : new String[][] {{"Via", "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1"},
                    {"Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-2"}, {"From", "<sip:+15550001111@carrier.example>;tag=a"},
                    {"Proxy-Authorization", SECRET}, {"User-Agent", "Carrier SBC 9.1 \"quoted\" \\ back"},
                    {"P-Asserted-Identity", "\"Alice\" <sip:+15550001111@carrier.example>"},
                    {"Diversion", "<sip:+15550003333@carrier.example>;reason=unconditional"},
                    {"Remote-Party-ID", "<sip:+15550001111@carrier.example>;party=calling"},
                    {"authorization", SECRET}, {"X-Customer-Id", "cust-42 ünïcode"}, {"X-Long", "y".repeat(3000)}}) {
                invite.add(SipHeader.newBuilder().setName(h[0]).setValue(h[1]).build());
            }
            store.insertInbound(call("CA_v29"), InviteHeaders.of(invite), "routed");

            InviteHeaders read = store.inviteHeaders("ws_a", "CA_v29").orElseThrow();
            assertEquals(List.of("Via", "Via", "From", "User-Agent", "P-Asserted-Identity", "Diversion", "Remote-Party-ID",
                    "X-Customer-Id", "X-Long"), read.headers().stream().map(InviteHeaders.Header::name).toList());
            assertEquals("Carrier SBC 9.1 \"quoted\" \\ back", read.headers().get(3).value());
            assertEquals("cust-42 ünïcode", read.headers().get(7).value());
            assertEquals(InviteHeaders.VALUE_MAX, read.headers().get(8).value().length());
            assertTrue(read.headers().get(8).truncated());
            assertEquals(0, read.omitted());
            String raw = text(settings, "SELECT CAST(sip_headers AS VARCHAR) FROM calls WHERE id = 'CA_v29'");
            assertFalse(raw.contains("6629fae4") || raw.toLowerCase().contains("authorization"), raw);
            assertTrue(store.inviteHeaders("ws_b", "CA_v29").isEmpty(), "another workspace's call has no headers to show");

            RtpStats stats = RtpStats.newBuilder().setPacketsExpected(500).setPacketsLost(5).setJitterMs(3.25).build();
            assertTrue(store.end("CA_v29", CallStatus.COMPLETED, "caller_bye", 0, null, null, CallQuality.of(stats, 60)));
            CallQuality q = store.quality("ws_a", "CA_v29").orElseThrow();
            assertEquals(new CallQuality(500L, 5L, 3.25, 0.01, CallQuality.round(EModel.mos(0.01, 3.25, 60), 2)), q);
            assertTrue(q.mos() > 4 && q.mos() < 4.4, "1 % loss and 3 ms of jitter is a good call: " + q);
            assertTrue(store.quality("ws_b", "CA_v29").isEmpty());

            // A call whose counters never came (its node was lost) keeps no figures, and an outbound call no headers.
            store.insert(call("CA_v29_out"), null, null, "placed");
            assertTrue(store.end("CA_v29_out", CallStatus.FAILED, "media-node-lost", 0, "node gone", null));
            assertEquals(CallQuality.UNKNOWN, store.quality("ws_a", "CA_v29_out").orElseThrow());
            assertTrue(store.inviteHeaders("ws_a", "CA_v29_out").isEmpty());
            assertEquals("CA_v29", store.find("CA_v29").orElseThrow().id(), "SELECT * still maps a row with V29's columns");
        } finally {
            client.close();
        }
    }

    private static CallRecord call(String id) {
        return new CallRecord(id, "ws_a", null, Direction.INBOUND, CallStatus.RINGING, "+15550001111", "+15550002222",
                "15550002222", "127.0.0.1:9090", "tok", CallRecord.Stream.NONE, null, null, null, null, null,
                java.time.Instant.now(), null, null, "sip-call-id@carrier.example");
    }

    private static String text(DbSettings settings, String query) throws Exception {
        try (Connection c = DriverManager.getConnection(settings.url(), settings.username(), settings.password());
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            assertTrue(r.next(), query);
            return r.getString(1);
        }
    }
}
