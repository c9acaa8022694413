package dev.patchbay.control.store;

import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.patchbay.control.model.CallEvent;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallRecord.Direction;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write whose commit reached PostgreSQL but whose answer was lost with the connection is tried again by
 * {@link OutageRetry}; the retry must not write the call's event a second time. The answer is lost for real:
 * the store talks to PostgreSQL through {@link AnswerCuttingRelay}, which cuts the connection instead of
 * forwarding the server's answer to the write.
 */
class CallStoreLostAnswerTest {

    private static TestDb db;
    private static AnswerCuttingRelay relay;
    private static DbClient client;
    private static final CallStoreTest.MutableClock CLOCK = new CallStoreTest.MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private static CallStore store;

    @BeforeAll
    static void setUp() throws Exception {
        db = new TestDb();
        Migrations.migrate(db.settings());
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_a', 'A', TRUE, CURRENT_TIMESTAMP)");
        }
        URI pg = URI.create(db.url().substring("jdbc:".length()));
        relay = new AnswerCuttingRelay(new InetSocketAddress(pg.getHost(), pg.getPort() < 0 ? 5432 : pg.getPort()));
        String viaRelay = db.url().replace(pg.getHost() + (pg.getPort() < 0 ? "" : ":" + pg.getPort()),
                "127.0.0.1:" + relay.port());
        client = DbClient.create(CallStoreTest.config(viaRelay).get("patchbay.db"));
        store = new CallStore(client, CLOCK, new OutageRetry(Duration.ofSeconds(30), Duration.ofMillis(50)));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (relay != null) {
            relay.close();
        }
        db.close();
    }

    private static void placed(String id) {
        store.insert(new CallRecord(id, "ws_a", null, Direction.INBOUND, CallStatus.RINGING, "+15550001111", "+15550002222",
                null, "127.0.0.1:9090", "tok", CallRecord.Stream.NONE, null, null, null, null, null, CLOCK.instant(), null,
                null, id + "@caller"), null, null, "routed");
    }

    private static List<String> types(String id) {
        return store.events(id).stream().map(CallEvent::type).toList();
    }

    @Test
    void anEventWhoseAnswerIsLostIsWrittenOnce() {
        placed("CR01");
        int before = relay.cuts();
        relay.cutNextAnswer("INSERT 0 1");
        store.event("CR01", "dtmf", "5 (rfc4733)");
        assertEquals(before + 1, relay.cuts(), "the server's answer to the event's insert was lost");
        assertEquals(List.of("ringing", "dtmf"), types("CR01"), "written once, though tried twice");

        // The same digit again, at the same instant (the clock stands still), is another event: kept.
        store.event("CR01", "dtmf", "5 (rfc4733)");
        assertEquals(List.of("ringing", "dtmf", "dtmf"), types("CR01"));
    }

    @Test
    void anAnswerAndAnEndWhoseCommitAnswersAreLostAreWrittenOnceAndReportedDone() {
        placed("CR02");
        int before = relay.cuts();
        relay.cutNextAnswer("COMMIT");
        assertTrue(store.advance("CR02", CallStatus.IN_PROGRESS, "200"), "the retry finds its own committed answer");
        relay.cutNextAnswer("COMMIT");
        assertTrue(store.end("CR02", CallStatus.COMPLETED, "caller_bye", 200, "bye", null),
                "the retry finds its own committed end, so the end's callbacks still go out");
        assertEquals(before + 2, relay.cuts(), "both commits' answers were lost");
        assertEquals(List.of("ringing", "in-progress", "completed"), types("CR02"));
        assertEquals(CallStatus.COMPLETED, store.find("CR02").orElseThrow().status());
    }
}
