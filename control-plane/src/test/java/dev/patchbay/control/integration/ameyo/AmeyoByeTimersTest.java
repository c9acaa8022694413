package dev.patchbay.control.integration.ameyo;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.patchbay.control.delivery.OutboundHttp;
import dev.patchbay.control.delivery.OutboundPolicy;
import dev.patchbay.control.delivery.Outbox;
import dev.patchbay.control.delivery.OutboxConfig;
import dev.patchbay.control.delivery.OutboxWorker;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.delivery.WebhookSigner;
import dev.patchbay.control.model.AmeyoTag;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.schema.Db;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ameyo's BYE timer on the real PostgreSQL, with two replicas' worth of clients, outbox workers and sweepers
 * sharing it, and a real HTTP server on loopback playing Ameyo's REST API. What a sweep does to a call is
 * recorded by {@link Recorder} in place of the media node's hang-up and the bridge's re-attach: those paths
 * run for real in AmeyoE2eTest.
 */
class AmeyoByeTimersTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AmeyoTag TAG = new AmeyoTag("+919990152080", "00919990152080", "d444-69139d35-vce-daf-3883");

    private static TestDb testDb;
    private static HttpServer ameyo;
    /** Per workspace: how many attempts fail with 503 before one succeeds (-1: all fail). */
    private static final Map<String, Integer> FAILURES = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
    private final List<AutoCloseable> owned = new ArrayList<>();

    /** One replica: its own database client, outbox worker, hand-backs and sweeper. */
    private final class Replica {
        final String name;
        final DbClient db;
        final CallStore store;
        final AmeyoHandBacks handBacks;
        final AmeyoByeTimers timers;

        Replica(String name, AmeyoConfig config, Recorder ending, int outboxAttempts) {
            this.name = name;
            db = client();
            owned.add(db::close);
            store = new CallStore(db, Clock.systemUTC());
            AmeyoIntegration integration = new AmeyoIntegration(db);
            // 300 ms doubling: three refusals put the delivery ~2.1 s after the hand-back.
            OutboxConfig outbox = new OutboxConfig(Duration.ofMillis(50), 8, Duration.ofSeconds(5), Duration.ofMillis(300),
                    Duration.ofSeconds(2), outboxAttempts, outboxAttempts);
            OutboxWorker worker = OutboxWorker.start(db, outbox, new OutboundHttp(OutboundHttp.newClient(outbox.timeout()),
                    new SsrfGuard(new OutboundPolicy(true, false, false))), id -> Optional.of(WebhookSigner.of("whsec_" + id)),
                    new AmeyoHeaders(integration, null), Clock.systemUTC());
            owned.add(worker);
            timers = new AmeyoByeTimers(db, store, config, ending.as(name), name, Clock.systemUTC());
            handBacks = new AmeyoHandBacks(db, store, integration, new AmeyoNotifier(integration, new Outbox(db, Clock.systemUTC()),
                    worker), timers);
        }

        /** Sweeps every 50 ms until the test ends. */
        Replica sweeping() {
            ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor();
            sweeper.scheduleWithFixedDelay(timers::sweep, 0, 50, TimeUnit.MILLISECONDS);
            owned.add(sweeper::shutdownNow);
            return this;
        }

        CallRecord call(String id) {
            return store.find(id).orElseThrow();
        }
    }

    /** What the sweeps did, by whom and when; {@code bridging} is the replica that holds the calls' bridges. */
    private static final class Recorder {
        record Done(String replica, String callId, String what, Instant at) { }

        final List<Done> done = new CopyOnWriteArrayList<>();
        final String bridging;

        Recorder(String bridging) {
            this.bridging = bridging;
        }

        AmeyoByeTimers.Ending as(String replica) {
            return new AmeyoByeTimers.Ending() {
                @Override
                public void hangup(CallRecord call, String reason) {
                    done.add(new Done(replica, call.id(), "hangup: " + reason, Instant.now()));
                }

                @Override
                public boolean bridgedHere(String callId) {
                    return replica.equals(bridging);
                }

                @Override
                public void backToBot(CallRecord call) {
                    done.add(new Done(replica, call.id(), "bot", Instant.now()));
                }
            };
        }

        List<Done> of(String callId) {
            return done.stream().filter(d -> d.callId().equals(callId)).toList();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        testDb = new TestDb();
        Migrations.migrate(testDb.settings());
        ameyo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ameyo.createContext("/", ex -> {
            String workspace = ex.getRequestURI().getPath().split("/")[1];
            ex.getRequestBody().readAllBytes();
            int attempt = ATTEMPTS.computeIfAbsent(workspace, k -> new AtomicInteger()).incrementAndGet();
            int failures = FAILURES.getOrDefault(workspace, 0);
            int status = failures < 0 || attempt <= failures ? 503 : 200;
            byte[] answer = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        ameyo.start();
    }

    @AfterAll
    static void stop() {
        ameyo.stop(0);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
    }

    private static DbClient client() {
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", testDb.url(),
                        "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD)))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
        return DbClient.create(config.get("patchbay.db"));
    }

    /** A workspace whose Ameyo API fails {@code failures} times first (-1: always), and its answered calls. */
    private static void workspace(String ws, int failures, int byeTimeoutMs, String... calls) throws Exception {
        FAILURES.put(ws, failures);
        String url = "http://127.0.0.1:" + ameyo.getAddress().getPort() + "/" + ws
                + "/ameyorestapi/voice/sendAgentResponseForCallNotification";
        sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('" + ws + "', 'Ameyo', TRUE, CURRENT_TIMESTAMP)",
                "INSERT INTO ameyo_integrations (workspace_id, allowed_sources, notification_url, authorization_enc, host_header,"
                        + " notification_id, properties, bye_timeout_ms, updated_at) VALUES ('" + ws + "', '127.0.0.1', '" + url
                        + "', NULL, NULL, '95', '{}', " + byeTimeoutMs + ", CURRENT_TIMESTAMP)");
        for (String id : calls) {
            boolean grpcBot = id.contains("grpc");
            sql("INSERT INTO calls (id, workspace_id, direction, status, from_number, to_number, media_node, created_at,"
                    + " ameyo_did, ameyo_did_raw, ameyo_crt, stream_url, dialect) VALUES ('" + id + "', '" + ws + "', 'inbound',"
                    + " 'in-progress', '+12025551000', '+919990152080', 'node-1', CURRENT_TIMESTAMP, '" + TAG.did() + "', '"
                    + TAG.didRaw() + "', '" + TAG.crt() + "', " + (grpcBot ? "NULL" : "'ws://127.0.0.1:9/bot'") + ", 'twilio')");
        }
    }

    private static void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(testDb.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    private static String value(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(testDb.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(query)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    /** Waits for {@code query}'s first value to be {@code expected}. */
    private static void awaitValue(String query, String expected, String what) throws InterruptedException {
        Await.until(() -> {
            try {
                return expected.equals(value(query));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, WAIT, what);
    }

    private static Instant instant(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(testDb.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(query)) {
            r.next();
            return Db.instant(r.getTimestamp(1));
        }
    }

    private static AmeyoConfig config(AmeyoConfig.OnFailure onFailure) {
        return new AmeyoConfig(onFailure, Duration.ofMillis(50));
    }

    @Test
    void theWaitStartsWhenAmeyoTakesTheNotificationNotAtTheHandBack() throws Exception {
        workspace("ws_slow", 3, 1_000, "CA_slow");
        Recorder recorder = new Recorder("a");
        Replica a = new Replica("a", config(AmeyoConfig.OnFailure.HANG_UP), recorder, 10).sweeping();
        Instant handedBack = Instant.now();
        a.handBacks.handedBack(a.call("CA_slow"), TAG, "{\"campaign\":\"x\"}");

        awaitValue("SELECT state FROM ameyo_bye_timers WHERE call_id = 'CA_slow'", "fired",
                "the call to be hung up for want of Ameyo's BYE");
        Instant delivered = instant("SELECT delivered_at FROM outbox WHERE call_id = 'CA_slow'");
        Recorder.Done hangup = recorder.of("CA_slow").get(0);
        assertEquals(4, ATTEMPTS.get("ws_slow").get(), "three refusals, then Ameyo took it");
        // Three retries (300 + 600 + 1200 ms, +-20 %) outlast the 1 s wait: timed from the hand-back, the call
        // would have been hung up while the outbox still retried.
        assertTrue(Duration.between(handedBack, delivered).toMillis() > 1_000, "delivered " + delivered + ", handed back "
                + handedBack);
        assertFalse(hangup.at().isBefore(delivered.plusMillis(1_000)), "hung up at " + hangup.at() + ", delivered at "
                + delivered + ": the wait is 1 s from the delivery");
        assertTrue(hangup.what().startsWith("hangup: Ameyo sent no BYE within 1 s of its notification being delivered"),
                hangup.what());
        List<String> events = a.store.events("CA_slow").stream().map(e -> e.type()).toList();
        assertTrue(events.containsAll(List.of("ameyo-notification", "ameyo-notification-delivered", "far-end-bye-timeout")),
                events.toString());
        // A second hand-back (a re-attached bridge) notifies nobody again.
        a.handBacks.handedBack(a.call("CA_slow"), TAG, null);
        assertEquals("1", value("SELECT COUNT(*) FROM outbox WHERE call_id = 'CA_slow'"));
    }

    @Test
    void aTimerWrittenByOneReplicaFiresFromAnotherOnceAndOnlyOnce() throws Exception {
        String[] calls = new String[20];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = "CA_multi_" + i;
        }
        workspace("ws_multi", 0, 300, calls);
        Recorder recorder = new Recorder("a");
        // Replica a takes the hand-backs and delivers the notifications but never sweeps: it died after.
        Replica a = new Replica("a", config(AmeyoConfig.OnFailure.HANG_UP), recorder, 10);
        for (String id : calls) {
            a.handBacks.handedBack(a.call(id), TAG, null);
        }
        awaitValue("SELECT COUNT(*) FROM outbox WHERE call_id LIKE 'CA_multi_%' AND state = 'delivered'", "20",
                "Ameyo to take all 20 notifications");
        // b and c sweep the same rows concurrently.
        new Replica("b", config(AmeyoConfig.OnFailure.HANG_UP), recorder, 10).sweeping();
        new Replica("c", config(AmeyoConfig.OnFailure.HANG_UP), recorder, 10).sweeping();
        awaitValue("SELECT COUNT(*) FROM ameyo_bye_timers WHERE call_id LIKE 'CA_multi_%' AND state = 'fired'", "20",
                "every timer to fire");
        for (String id : calls) {
            List<Recorder.Done> done = recorder.of(id);
            assertEquals(1, done.size(), id + " was hung up once: " + done);
            assertTrue(Set.of("b", "c").contains(done.get(0).replica()), done.toString());
            assertEquals(done.get(0).replica(), value("SELECT resolved_by FROM ameyo_bye_timers WHERE call_id = '" + id + "'"));
        }
    }

    @Test
    void aNotificationThatFailsForGoodHangsUpWhenSoConfigured() throws Exception {
        workspace("ws_down", -1, 1_000, "CA_down");
        Recorder recorder = new Recorder("a");
        Replica a = new Replica("a", config(AmeyoConfig.OnFailure.HANG_UP), recorder, 2).sweeping();
        a.handBacks.handedBack(a.call("CA_down"), TAG, null);
        awaitValue("SELECT state FROM ameyo_bye_timers WHERE call_id = 'CA_down'", "gave_up",
                "the call to be hung up once the outbox gave up");
        Recorder.Done done = recorder.of("CA_down").get(0);
        assertTrue(done.what().contains("failed for good after 2 attempts (last status 503)"), done.what());
        assertTrue(done.what().contains("on-notification-failure is hang-up"), done.what());
        assertEquals(1, recorder.of("CA_down").size());
    }

    @Test
    void aNotificationThatFailsForGoodGivesTheCallBackToItsBotWhenSoConfigured() throws Exception {
        workspace("ws_tobot", 2, 1_000, "CA_tobot");
        // Replica a bridges the call; b sweeps too but cannot swap a's bridge, so it leaves the row to a.
        Recorder recorder = new Recorder("a");
        Replica b = new Replica("b", config(AmeyoConfig.OnFailure.BOT), recorder, 2).sweeping();
        Replica a = new Replica("a", config(AmeyoConfig.OnFailure.BOT), recorder, 2);
        a.handBacks.handedBack(a.call("CA_tobot"), TAG, null);
        assertTrue(a.handBacks.holds(a.call("CA_tobot")), "a re-attached bridge holds the call for Ameyo's BYE");
        awaitValue("SELECT state FROM outbox WHERE call_id = 'CA_tobot'", "failed", "the outbox to give up");
        assertTrue(b.timers.sweep() == 0 && recorder.of("CA_tobot").isEmpty(), "b does not bridge the call: " + recorder.done);
        a.sweeping();
        awaitValue("SELECT state FROM ameyo_bye_timers WHERE call_id = 'CA_tobot'", "to_bot", "the bot to get the call back");
        Await.until(() -> !recorder.of("CA_tobot").isEmpty(), WAIT, "the bridge to be swapped after the commit");
        assertEquals(List.of("a:bot"), recorder.of("CA_tobot").stream().map(d -> d.replica() + ":" + d.what()).toList());
        assertFalse(a.handBacks.holds(a.call("CA_tobot")), "the bridge connects the bot rather than holding");
        assertTrue(a.store.events("CA_tobot").stream().anyMatch(e -> e.type().equals("ameyo-notification-gave-up")
                && e.detail().contains("the bot has the call again")));

        // The bot is done again: Ameyo (up by now: it failed twice only) is notified afresh and the wait runs.
        a.handBacks.handedBack(a.call("CA_tobot"), TAG, null);
        assertEquals("2", value("SELECT COUNT(*) FROM outbox WHERE call_id = 'CA_tobot'"));
        awaitValue("SELECT state FROM ameyo_bye_timers WHERE call_id = 'CA_tobot'", "fired", "the renewed wait to run out");
        assertTrue(recorder.of("CA_tobot").get(1).what().startsWith("hangup: Ameyo sent no BYE within 1 s"),
                recorder.done.toString());
    }

    @Test
    void aCallOfAGrpcBotIsHungUpEvenWhenTheBotShouldHaveItBack() throws Exception {
        workspace("ws_grpc", -1, 1_000, "CA_grpc");
        Recorder recorder = new Recorder("a");
        Replica a = new Replica("a", config(AmeyoConfig.OnFailure.BOT), recorder, 1).sweeping();
        a.handBacks.handedBack(a.call("CA_grpc"), TAG, null);
        awaitValue("SELECT state FROM ameyo_bye_timers WHERE call_id = 'CA_grpc'", "gave_up", "the call to be hung up");
        assertTrue(recorder.of("CA_grpc").get(0).what().contains("gRPC bot attaches itself"), recorder.done.toString());
    }

    @Test
    void aNotificationThatCannotBeQueuedGetsThePolicyAtOnce() throws Exception {
        workspace("ws_gone", 0, 1_000, "CA_gone");
        sql("DELETE FROM ameyo_integrations WHERE workspace_id = 'ws_gone'");
        Recorder recorder = new Recorder("a");
        Replica a = new Replica("a", config(AmeyoConfig.OnFailure.HANG_UP), recorder, 2).sweeping();
        a.handBacks.handedBack(a.call("CA_gone"), TAG, null);
        awaitValue("SELECT state FROM ameyo_bye_timers WHERE call_id = 'CA_gone'", "gave_up", "the call to be hung up");
        assertTrue(recorder.of("CA_gone").get(0).what().contains("could not be queued"), recorder.done.toString());
        assertTrue(a.store.events("CA_gone").stream().anyMatch(e -> e.type().equals("ameyo-notification-failed")
                && e.detail().contains("has no Ameyo integration any more")));
    }
}
