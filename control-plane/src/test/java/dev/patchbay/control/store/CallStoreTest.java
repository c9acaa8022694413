package dev.patchbay.control.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import dev.patchbay.control.model.CallEvent;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallRecord.Direction;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The call store against the real PostgreSQL, with the shipped named statements. */
class CallStoreTest {

    private static TestDb db;
    private static DbClient client;
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private static CallStore store;

    /** Time moves only when a test says so. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        db = new TestDb();
        Migrations.migrate(db.settings());
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_a', 'A', TRUE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_b', 'B', TRUE, CURRENT_TIMESTAMP)");
        }
        client = DbClient.create(config(db).get("patchbay.db"));
        store = new CallStore(client, CLOCK);
    }

    static Config config(TestDb db) {
        return config(db.url());
    }

    /** The shipped configuration with the test database reached at {@code url} (e.g. through a relay). */
    static Config config(String url) {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", url,
                        "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD)))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
    }

    @AfterAll
    static void tearDown() {
        client.close();
        db.close();
    }

    private static CallRecord call(String id, String workspace, CallStatus status, String streamUrl) {
        return new CallRecord(id, workspace, null, Direction.OUTBOUND, status, "+15550001111", "+15550002222", null,
                "127.0.0.1:9090", "tok", new CallRecord.Stream(streamUrl, "twilio", 8000, "{\"a\":\"b\"}"),
                "http://cb.example/hangup", null, null, null, null, CLOCK.instant(), null, null);
    }

    @Test
    void aCallLivesThroughItsStatesAndEveryOneIsLogged() {
        store.insert(call("CA01", "ws_a", CallStatus.QUEUED, "wss://bot.example/s"), "key-1", "hash-1", "placed");
        assertTrue(store.advance("CA01", CallStatus.RINGING, "180"));
        CLOCK.advance(Duration.ofSeconds(2));
        assertTrue(store.advance("CA01", CallStatus.IN_PROGRESS, "200"));
        assertFalse(store.advance("CA01", CallStatus.RINGING, "a late 180"), "no way back from in-progress");
        CLOCK.advance(Duration.ofSeconds(42));
        assertTrue(store.end("CA01", CallStatus.COMPLETED, "caller_bye", 200, "bye", null));
        assertFalse(store.end("CA01", CallStatus.FAILED, "error", 500, "late", null), "a call ends once");

        CallRecord c = store.find("CA01").orElseThrow();
        assertEquals(CallStatus.COMPLETED, c.status());
        assertEquals(42, c.durationSeconds());
        assertEquals("caller_bye", c.hangupCause());
        assertEquals("{\"a\":\"b\"}", c.stream().customParametersJson());
        assertEquals(null, c.stream().connectTimeout(), "none of the bot's own: the global one applies");
        List<String> types = store.events("CA01").stream().map(CallEvent::type).toList();
        assertEquals(List.of("queued", "ringing", "in-progress", "completed"), types);
    }

    @Test
    void aBotsConnectTimeoutTravelsWithTheCallsStream() {
        CallRecord c = call("CA09", "ws_a", CallStatus.QUEUED, "wss://bot.example/s");
        store.insert(new CallRecord(c.id(), c.workspaceId(), c.botId(), c.direction(), c.status(), c.from(), c.to(), c.toRaw(),
                c.mediaNode(), c.attachToken(), new CallRecord.Stream("wss://bot.example/s", "twilio", 8000, null,
                Duration.ofMillis(300)), c.callbackUrl(), null, null, null, null, c.createdAt(), null, null), null, null, "placed");
        assertEquals(Duration.ofMillis(300), store.find("CA09").orElseThrow().stream().connectTimeout());
        store.stream("CA09", new CallRecord.Stream("wss://other.example/s", "twilio", 8000, null, Duration.ofMillis(1200)));
        assertEquals(Duration.ofMillis(1200), store.find("CA09").orElseThrow().stream().connectTimeout());
    }

    @Test
    void aWorkspaceSeesOnlyItsOwnCallsAndKeysAreScopedToo() {
        store.insert(call("CA02", "ws_a", CallStatus.QUEUED, null), "same-key", "h", "placed");
        store.insert(call("CA03", "ws_b", CallStatus.QUEUED, null), "same-key", "h", "placed");
        assertTrue(store.find("ws_a", "CA02").isPresent());
        assertTrue(store.find("ws_b", "CA02").isEmpty());
        assertEquals("CA03", store.byIdempotencyKey("ws_b", "same-key").orElseThrow().call().id());
        DbClientException dup = assertThrows(DbClientException.class,
                () -> store.insert(call("CA04", "ws_a", CallStatus.QUEUED, null), "same-key", "h2", "placed"));
        assertTrue(dev.patchbay.schema.Db.uniqueViolation(dup), String.valueOf(dup));
        assertTrue(store.find("CA04").isEmpty(), "nothing half-written: neither the call nor its event");
    }

    @Test
    void aBridgeLeaseHasOneOwnerUntilItLapses() {
        store.insert(call("CA05", "ws_a", CallStatus.QUEUED, "wss://bot.example/s"), null, null, "placed");
        assertFalse(store.leaseBridge("CA05", "r1", CLOCK.instant().plusSeconds(10)), "only live calls are bridged");
        store.advance("CA05", CallStatus.IN_PROGRESS, "200");
        assertEquals(List.of("CA05"), store.orphanedBridges("127.0.0.1:9090", "nobody").stream().map(CallRecord::id)
                .filter("CA05"::equals).toList());
        assertTrue(store.leaseBridge("CA05", "r1", CLOCK.instant().plusSeconds(10)));
        assertFalse(store.leaseBridge("CA05", "r2", CLOCK.instant().plusSeconds(10)), "r1 holds it");
        assertTrue(store.orphanedBridges("127.0.0.1:9090", "nobody").stream().noneMatch(c -> c.id().equals("CA05")));
        CLOCK.advance(Duration.ofSeconds(5));
        assertEquals(1, store.renewLeases("r1", CLOCK.instant().plusSeconds(10)));
        CLOCK.advance(Duration.ofSeconds(9));
        assertFalse(store.leaseBridge("CA05", "r2", CLOCK.instant().plusSeconds(10)), "renewed, so still r1's");
        CLOCK.advance(Duration.ofSeconds(2));
        assertTrue(store.orphanedBridges("127.0.0.1:9090", "nobody").stream().anyMatch(c -> c.id().equals("CA05")), "r1 went quiet");
        assertTrue(store.leaseBridge("CA05", "r2", CLOCK.instant().plusSeconds(10)), "r2 takes over");
        assertTrue(store.orphanedBridges("127.0.0.1:9090", "r2").stream().anyMatch(c -> c.id().equals("CA05")),
                "a restarted r2 finds its own calls");
        assertEquals(1, store.releaseLeases("r2"));
        assertTrue(store.orphanedBridges("127.0.0.1:9090", "r3").stream().anyMatch(c -> c.id().equals("CA05")),
                "released on a clean stop: anyone may take it");
        assertTrue(store.leaseBridge("CA05", "r2", CLOCK.instant().plusSeconds(10)));
        store.end("CA05", CallStatus.COMPLETED, "caller_bye", 200, null, null);
        assertEquals(0, store.renewLeases("r2", CLOCK.instant().plusSeconds(10)), "ending a call ends its lease");
        assertNull(store.find("CA05").orElseThrow().reason());
    }
}
