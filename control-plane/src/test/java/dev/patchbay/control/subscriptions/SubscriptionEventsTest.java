package dev.patchbay.control.subscriptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.delivery.OutboundHttp;
import dev.patchbay.control.delivery.OutboundPolicy;
import dev.patchbay.control.delivery.Outbox;
import dev.patchbay.control.delivery.OutboxConfig;
import dev.patchbay.control.delivery.OutboxWorker;
import dev.patchbay.control.delivery.SigningKeys;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.delivery.WebhookSigner;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.control.testing.Receiver;
import dev.patchbay.control.testing.Receiver.Answer;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.schema.Db;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.SecretBox;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A workspace's webhook subscriptions on real PostgreSQL: a call event becomes an outbox row per
 * enabled subscription of that event, keyed {@code wsub:<id>}, and the worker delivers it to a
 * real receiver on loopback with an X-Patchbay-Signature the subscriber verifies with its secret.
 */
class SubscriptionEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SecretBox BOX = new SecretBox("control-subscription-test-key-32".getBytes(StandardCharsets.US_ASCII));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestDb testDb;
    private static DbClient db;

    @BeforeAll
    static void setUp() {
        testDb = new TestDb();
        Migrations.migrate(testDb.settings());
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", testDb.settings().url(),
                        "patchbay.db.connection.username", testDb.settings().username(),
                        "patchbay.db.connection.password", testDb.settings().password())))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
        db = DbClient.create(config.get("patchbay.db"));
        for (String ws : List.of("ws_sub", "ws_other")) {
            db.execute().insert("INSERT INTO workspaces (id, name, enabled, created_at) VALUES (?, ?, TRUE, ?)", ws, ws,
                    Db.utc(Instant.now()));
        }
    }

    @AfterAll
    static void tearDown() {
        db.close();
        testDb.close();
    }

    private static void subscribe(String id, String ws, String url, String events, String secret, boolean enabled) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        db.execute().insert("INSERT INTO webhook_subscriptions (id, workspace_id, url, events, secret_enc, enabled, created_at,"
                + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id, ws, url, events, BOX.seal(secret), enabled,
                Db.utc(now), Db.utc(now));
    }

    private static CallRecord call(String id, String ws, CallStatus status, Instant answeredAt) {
        Instant created = Instant.now().minusSeconds(30);
        return new CallRecord(id, ws, "bot_1", CallRecord.Direction.INBOUND, status, "+15550001111", "+15550002222",
                "+15550002222", "node-1", null, CallRecord.Stream.NONE, null, status.terminal() ? "normal" : null,
                status.terminal() ? 200 : null, null, null, created, answeredAt, status.terminal() ? Instant.now() : null);
    }

    private static OutboxWorker worker(SubscriptionStore store) {
        OutboxConfig fast = new OutboxConfig(Duration.ofMillis(50), 8, Duration.ofSeconds(5), Duration.ofMillis(50),
                Duration.ofMillis(400), 5, 2);
        OutboundHttp http = new OutboundHttp(OutboundHttp.newClient(fast.timeout()),
                new SsrfGuard(new OutboundPolicy(true, false, false)));
        return OutboxWorker.start(db, fast, http, new SubscriptionKeys(SigningKeys.of(Map.of()), store, BOX),
                Clock.systemUTC());
    }

    private static List<Map<String, Object>> rows(String callId) {
        return Db.list(db.execute().query("SELECT kind, url, signing_key_id, state FROM outbox WHERE call_id = ?"
                + " ORDER BY kind, url", callId), Db::columns);
    }

    @Test
    void eachSubscribedEventIsDeliveredSignedWithTheSubscriptionsOwnSecret() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.of(200))) {
            subscribe("wh_a", "ws_sub", r.url("/a").toString(), ",call.answered,call.completed,", "secret-of-a-0123456789", true);
            subscribe("wh_b", "ws_sub", r.url("/b").toString(), ",call.failed,", "secret-of-b-0123456789", true);
            subscribe("wh_off", "ws_sub", r.url("/off").toString(), ",call.completed,", "secret-off-0123456789", false);
            subscribe("wh_x", "ws_other", r.url("/x").toString(), ",call.completed,", "secret-of-x-0123456789", true);
            SubscriptionStore store = new SubscriptionStore(db);
            try (OutboxWorker worker = worker(store)) {
                SubscriptionEvents events = new SubscriptionEvents(store, new Outbox(db, Clock.systemUTC()), worker::wake,
                        Clock.systemUTC());
                Instant answered = Instant.now().minusSeconds(12);
                events.ringing(call("call_1", "ws_sub", CallStatus.RINGING, null));
                events.answered(call("call_1", "ws_sub", CallStatus.IN_PROGRESS, answered));
                events.ended(call("call_1", "ws_sub", CallStatus.COMPLETED, answered), RtpStats.getDefaultInstance());

                // ringing has no subscriber; the disabled one and the other workspace's get nothing
                List<Map<String, Object>> rows = rows("call_1");
                assertEquals(List.of("call.answered", "call.completed"), rows.stream().map(m -> m.get("kind")).toList());
                assertEquals(List.of("wsub:wh_a", "wsub:wh_a"), rows.stream().map(m -> m.get("signing_key_id")).toList());

                Await.until(() -> r.requests().size() >= 2, WAIT, () -> "two deliveries, got " + r.requests());
                Receiver.Request done = r.requests().stream().filter(q -> "call.completed".equals(q.header("X-Patchbay-Event")))
                        .findFirst().orElseThrow();
                assertEquals("/a", done.path());
                assertTrue(WebhookSigner.verify("secret-of-a-0123456789".getBytes(StandardCharsets.UTF_8),
                        done.header(WebhookSigner.TIMESTAMP_HEADER), done.header(WebhookSigner.SIGNATURE_HEADER), done.body(),
                        Instant.now(), WebhookSigner.DEFAULT_TOLERANCE), "verifiable with the subscription's secret");
                assertFalse(WebhookSigner.verify("secret-of-b-0123456789".getBytes(StandardCharsets.UTF_8),
                        done.header(WebhookSigner.TIMESTAMP_HEADER), done.header(WebhookSigner.SIGNATURE_HEADER), done.body(),
                        Instant.now(), WebhookSigner.DEFAULT_TOLERANCE), "and with no other");
                JsonNode body = JSON.readTree(done.body());
                assertEquals("call.completed", body.path("event").asText());
                assertEquals("call_1", body.path("data").path("call_id").asText());
                assertEquals("completed", body.path("data").path("status").asText());
                assertEquals(12, body.path("data").path("duration").asLong(), 1);

                // A call that never connects is call.failed, for the subscriber of that event only.
                events.ended(call("call_2", "ws_sub", CallStatus.BUSY, null), RtpStats.getDefaultInstance());
                Await.until(() -> r.requests().stream().anyMatch(q -> q.path().equals("/b")), WAIT, () -> "call.failed to /b");
                Receiver.Request failed = r.requests().stream().filter(q -> q.path().equals("/b")).findFirst().orElseThrow();
                assertEquals("call.failed", failed.header("X-Patchbay-Event"));
                assertEquals("busy", JSON.readTree(failed.body()).path("data").path("status").asText());
                assertTrue(WebhookSigner.verify("secret-of-b-0123456789".getBytes(StandardCharsets.UTF_8),
                        failed.header(WebhookSigner.TIMESTAMP_HEADER), failed.header(WebhookSigner.SIGNATURE_HEADER),
                        failed.body(), Instant.now(), WebhookSigner.DEFAULT_TOLERANCE));
                Await.until(() -> rows("call_1").stream().allMatch(m -> "delivered".equals(m.get("state"))), WAIT,
                        () -> "rows delivered: " + rows("call_1"));
                assertFalse(r.requests().stream().anyMatch(q -> q.path().equals("/off") || q.path().equals("/x")));
            }
        }
    }

    @Test
    void aDeletedSubscriptionsPendingRowIsNotSignedWithAnotherKey() {
        SubscriptionStore store = new SubscriptionStore(db);
        SubscriptionKeys keys = new SubscriptionKeys(SigningKeys.of(Map.of("ws_sub", WebhookSigner.of("workspace-key"))),
                store, BOX);
        subscribe("wh_gone", "ws_sub", "https://hooks.example/gone", ",call.failed,", "secret-gone-0123456789", true);
        assertTrue(keys.signer("wsub:wh_gone").isPresent());
        db.execute().delete("DELETE FROM webhook_subscriptions WHERE id = ?", "wh_gone");
        assertTrue(keys.signer("wsub:wh_gone").isEmpty(), "no key, so the worker fails the row");
        assertTrue(keys.signer("ws_sub").isPresent(), "other key ids still resolve through the composed keys");
    }
}
