package dev.patchbay.control.delivery;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.control.testing.Receiver;
import dev.patchbay.control.testing.Receiver.Answer;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox against the real PostgreSQL, delivering to real receivers on loopback. */
class OutboxWorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static TestDb testDb;
    private static OutboxFixture fx;

    @BeforeAll
    static void setUp() {
        testDb = new TestDb();
        fx = new OutboxFixture(testDb.settings());
    }

    @AfterAll
    static void tearDown() {
        fx.close();
        testDb.close();
    }

    /** Rows a test left pending must not be delivered into the next test's receiver. */
    @AfterEach
    void retireLeftovers() {
        fx.db.execute().update("UPDATE outbox SET state = 'failed', last_error = 'left by a test' WHERE state = 'pending'");
    }

    private static void awaitState(String id, Outbox.State state) throws InterruptedException {
        Await.until(() -> fx.entry(id).state() == state, WAIT, () -> id + " to be " + state + ", is " + fx.entry(id));
    }

    @Test
    void deliversSignedJsonWithDeliveryId() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.of(200));
             OutboxWorker worker = fx.start(OutboxFixture.fast(5, 2))) {
            String body = "{\"call_sid\":\"CA1\",\"status\":\"completed\"}";
            String id = fx.outbox.enqueue(OutboxFixture.message(r.url("/hangup").toString(), body));
            worker.wake();
            awaitState(id, Outbox.State.DELIVERED);
            assertEquals(1, r.requests().size());
            Receiver.Request req = r.requests().get(0);
            assertEquals("POST", req.method());
            assertEquals(body, req.body());
            assertEquals("application/json", req.header("Content-Type"));
            assertEquals(id, req.header(WebhookSigner.DELIVERY_ID_HEADER));
            assertEquals("hangup_callback", req.header("X-Patchbay-Event"));
            assertTrue(WebhookSigner.verify(OutboxFixture.SECRET_BYTES, req.header(WebhookSigner.TIMESTAMP_HEADER),
                    req.header(WebhookSigner.SIGNATURE_HEADER), req.body(), Instant.now(), WebhookSigner.DEFAULT_TOLERANCE),
                    "the receiver can verify the signature");
            Outbox.Entry e = fx.entry(id);
            assertEquals(1, e.attempts());
            assertEquals(200, e.lastStatus());
            assertNull(e.lastError());
        }
    }

    @Test
    void retriesWithGrowingBackoffOnServerErrors() throws Exception {
        List<Long> arrivals = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        try (Receiver r = Receiver.loopback(req -> {
            synchronized (arrivals) {
                arrivals.add(System.nanoTime());
            }
            return calls.incrementAndGet() <= 3 ? Answer.of(503) : Answer.of(200);
        }); OutboxWorker worker = fx.start(new OutboxConfig(Duration.ofMillis(20), 8, Duration.ofSeconds(5),
                Duration.ofMillis(100), Duration.ofSeconds(2), 10, 2))) {
            String id = fx.outbox.enqueue(OutboxFixture.message(r.url("/status").toString(), "{}"));
            worker.wake();
            awaitState(id, Outbox.State.DELIVERED);
            assertEquals(4, fx.entry(id).attempts());
            assertEquals(4, arrivals.size());
            // backoff 100, 200, 400 ms with a jitter of at least 0.8: each gap at least 80, 160, 320 ms
            for (int i = 1; i < arrivals.size(); i++) {
                long gapMs = (arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000;
                long floor = (long) (0.8 * 100 * (1L << (i - 1)));
                assertTrue(gapMs >= floor, "gap " + i + " was " + gapMs + " ms, expected at least " + floor);
            }
        }
    }

    @Test
    void keepsRetryingUntilTheReceiverComesUp() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (OutboxWorker worker = fx.start(OutboxFixture.fast(100, 2))) {
            String id = fx.outbox.enqueue(OutboxFixture.message("http://127.0.0.1:" + port + "/cb", "{\"n\":1}"));
            worker.wake();
            Await.until(() -> fx.entry(id).attempts() >= 3, WAIT, () -> "three refused attempts, got " + fx.entry(id));
            Outbox.Entry down = fx.entry(id);
            assertEquals(Outbox.State.PENDING, down.state());
            assertTrue(down.lastError().contains("refused"), down.lastError());
            try (Receiver r = new Receiver(InetAddress.getLoopbackAddress(), port, req -> Answer.of(202))) {
                awaitState(id, Outbox.State.DELIVERED);
                assertEquals(1, r.requests().size());
                assertEquals(202, fx.entry(id).lastStatus());
            }
        }
    }

    @Test
    void givesUpAfterMaxAttemptsAndKeepsTheRow() throws Exception {
        try (Receiver r = Receiver.loopback(req -> req.path().equals("/ok") ? Answer.of(200) : Answer.of(500));
             OutboxWorker worker = fx.start(OutboxFixture.fast(3, 2))) {
            String id = fx.outbox.enqueue(OutboxFixture.message(r.url("/broken").toString(), "{}"));
            worker.wake();
            awaitState(id, Outbox.State.FAILED);
            Outbox.Entry e = fx.entry(id);
            assertEquals(3, e.attempts());
            assertEquals(500, e.lastStatus());
            assertTrue(e.lastError().contains("gave up after 3 attempts"), e.lastError());
            // a later row delivered proves the worker kept polling without touching the failed one
            String later = fx.outbox.enqueue(OutboxFixture.message(r.url("/ok").toString(), "{}"));
            awaitState(later, Outbox.State.DELIVERED);
            assertEquals(3, r.requests().stream().filter(q -> q.path().equals("/broken")).count());
            assertTrue(fx.outbox.requeue("ws_1", id), "a failed row can be put back once the receiver is fixed");
            r.answer(req -> Answer.of(200));
            awaitState(id, Outbox.State.DELIVERED);
        }
    }

    @Test
    void clientErrorsAreFinalSoonerThanServerErrors() throws Exception {
        try (Receiver r = Receiver.loopback(req -> switch (req.path()) {
            case "/gone" -> Answer.of(410);
            case "/missing" -> Answer.of(404);
            default -> Answer.of(429);
        }); OutboxWorker worker = fx.start(OutboxFixture.fast(4, 2))) {
            String gone = fx.outbox.enqueue(OutboxFixture.message(r.url("/gone").toString(), "{}"));
            String missing = fx.outbox.enqueue(OutboxFixture.message(r.url("/missing").toString(), "{}"));
            String limited = fx.outbox.enqueue(OutboxFixture.message(r.url("/busy").toString(), "{}"));
            worker.wake();
            awaitState(gone, Outbox.State.FAILED);
            awaitState(missing, Outbox.State.FAILED);
            awaitState(limited, Outbox.State.FAILED);
            assertEquals(1, fx.entry(gone).attempts(), "410 Gone is final at once");
            assertEquals(2, fx.entry(missing).attempts(), "404 gets client-error-max-attempts");
            assertEquals(4, fx.entry(limited).attempts(), "429 is transient: max-attempts");
        }
    }

    @Test
    void ssrfRefusalFailsAtOnceWithoutAConnection() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.of(200));
             OutboxWorker worker = fx.start(fx.db, OutboxFixture.fast(5, 2), OutboundPolicy.STRICT)) {
            String id = fx.outbox.enqueue(OutboxFixture.message(r.url("/cb").toString(), "{}"));
            worker.wake();
            awaitState(id, Outbox.State.FAILED);
            Outbox.Entry e = fx.entry(id);
            assertEquals(1, e.attempts());
            assertTrue(e.lastError().contains(OutboundPolicy.ALLOW_LOOPBACK), e.lastError());
            assertEquals(0, r.requests().size());
        }
    }

    @Test
    void unknownSigningKeyIsRetriedNamingTheSetting() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.of(200));
             OutboxWorker worker = fx.start(OutboxFixture.fast(50, 2))) {
            String id = fx.outbox.enqueue(new Outbox.Message("ws_1", null, "status_callback",
                    r.url("/cb").toString(), "{}", "rotated-away"));
            worker.wake();
            Await.until(() -> fx.entry(id).attempts() >= 2, WAIT, () -> "two attempts, got " + fx.entry(id));
            Outbox.Entry e = fx.entry(id);
            assertEquals(Outbox.State.PENDING, e.state());
            assertTrue(e.lastError().contains("patchbay.control.outbound.signing-keys.rotated-away"), e.lastError());
            assertEquals(0, r.requests().size(), "nothing unsigned is ever sent");
        }
    }

    @Test
    void enqueueJoinsTheCallersTransaction() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.of(200));
             OutboxWorker worker = fx.start(OutboxFixture.fast(5, 2))) {
            DbTransaction rolledBack = fx.db.transaction();
            String lost = fx.outbox.enqueue(rolledBack, OutboxFixture.message(r.url("/rolled-back").toString(), "{}"));
            rolledBack.rollback();
            DbTransaction committed = fx.db.transaction();
            String kept = fx.outbox.enqueue(committed, OutboxFixture.message(r.url("/committed").toString(), "{}"));
            committed.commit();
            worker.wake();
            awaitState(kept, Outbox.State.DELIVERED);
            assertTrue(fx.outbox.find("ws_1", lost).isEmpty(), "a rolled-back enqueue leaves no row");
            assertTrue(fx.outbox.find("ws_other", kept).isEmpty(), "another workspace cannot see the row");
            assertEquals(List.of("/committed"), r.requests().stream().map(Receiver.Request::path).toList());
        }
    }

    @Test
    void aDeadWorkersClaimExpiresAndTheRowIsDeliveredAgain() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.of(200))) {
            String id = fx.outbox.enqueue(OutboxFixture.message(r.url("/cb").toString(), "{}"));
            // as a replica that claimed the row and crashed before writing the result
            fx.db.execute().update("UPDATE outbox SET claimed_by = 'crashed', claimed_until = ? WHERE id = ?",
                    Outbox.now(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMillis(500))), id);
            try (OutboxWorker worker = fx.start(OutboxFixture.fast(5, 2))) {
                worker.wake();
                awaitState(id, Outbox.State.DELIVERED);
                assertEquals(1, r.requests().size());
            }
        }
    }

    @Test
    void twoReplicasNeverDeliverTheSameRowTwice() throws Exception {
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        CountDownLatch overlapped = new CountDownLatch(1);
        try (Receiver r = Receiver.loopback(req -> {
            if (maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max) > 8) {
                overlapped.countDown();
            }
            deliveries.computeIfAbsent(req.header(WebhookSigner.DELIVERY_ID_HEADER), k -> new AtomicInteger()).incrementAndGet();
            try {
                // Held until more than one replica's 8 slots are busy at once (at most 4 s, within the 5 s delivery
                // timeout), so both replicas' deliveries overlap.
                overlapped.await(4, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return Answer.of(200);
        })) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                ids.add(fx.outbox.enqueue(OutboxFixture.message(r.url("/cb").toString(), "{\"i\":" + i + "}")));
            }
            DbClient replicaB = fx.newClient();
            try (OutboxWorker a = fx.start(fx.db, OutboxFixture.fast(5, 2), OutboxFixture.LOOPBACK_OK);
                 OutboxWorker b = fx.start(replicaB, OutboxFixture.fast(5, 2), OutboxFixture.LOOPBACK_OK)) {
                a.wake();
                b.wake();
                Await.until(() -> deliveries.size() == ids.size(), WAIT, () -> "all 300 rows received; " + deliveries.size() + " seen");
                for (String id : ids) {
                    awaitState(id, Outbox.State.DELIVERED);
                }
            }
            assertTrue(maxInFlight.get() > 8, "more than one replica's 8 slots were busy at once: " + maxInFlight.get());
            for (String id : ids) {
                assertEquals(1, deliveries.get(id).get(), id + " delivered exactly once");
                assertEquals(1, fx.entry(id).attempts());
            }
        }
    }

    @Test
    void startsFromTheShippedConfigWithASecretFromOverrides() throws Exception {
        io.helidon.config.Config root = io.helidon.config.Config.builder()
                .disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(io.helidon.config.ConfigSources.create(Map.of(
                        "patchbay.control.outbound.signing-keys.k1", OutboxFixture.SECRET,
                        "patchbay.control.outbox.poll-interval", "50ms")))
                .addSource(io.helidon.config.ConfigSources.file(java.nio.file.Path.of("src/main/resources/application.yaml")))
                .build();
        try (Receiver r = Receiver.loopback(req -> Answer.of(200));
             OutboxWorker worker = OutboxWorker.start(fx.db, root)) {
            String id = fx.outbox.enqueue(OutboxFixture.message(r.url("/cb").toString(), "{}"));
            worker.wake();
            awaitState(id, Outbox.State.DELIVERED);
            Receiver.Request req = r.requests().get(0);
            assertTrue(WebhookSigner.verify(OutboxFixture.SECRET_BYTES, req.header(WebhookSigner.TIMESTAMP_HEADER),
                    req.header(WebhookSigner.SIGNATURE_HEADER), req.body(), Instant.now(), WebhookSigner.DEFAULT_TOLERANCE));
        }
    }

    @Test
    void aRowThatCannotBeSentStillEndsFailed() throws InterruptedException {
        // written around Outbox's validation, as a hand-made fix in SQL might be
        fx.db.execute().update("INSERT INTO outbox (id, workspace_id, kind, url, body, signing_key_id, next_attempt_at, created_at) "
                + "VALUES ('obx_bad', 'ws_1', 'status_callback', 'http://bad host/cb', '{}', 'k1', ?, ?)",
                Outbox.now(java.time.Clock.systemUTC()), Outbox.now(java.time.Clock.systemUTC()));
        try (OutboxWorker worker = fx.start(OutboxFixture.fast(3, 2))) {
            worker.wake();
            awaitState("obx_bad", Outbox.State.FAILED);
            Outbox.Entry e = fx.entry("obx_bad");
            assertEquals(3, e.attempts());
            assertTrue(e.lastError().contains("IllegalArgumentException"), e.lastError());
        }
    }
}
