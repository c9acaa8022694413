package dev.patchbay.control.delivery;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

import dev.patchbay.control.metrics.ControlMetrics;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

/**
 * Delivers due outbox rows. Each poll claims rows with a lease ({@code claimed_by}, {@code claimed_until})
 * in one short transaction, using {@code FOR UPDATE SKIP LOCKED} (PostgreSQL and H2 2.x both have it)
 * plus a conditional UPDATE, so two replicas never hold the same row. The POST runs outside any
 * transaction; its result is written only if the claim is still ours. Delivery is at least once: a
 * crash between the POST and that write leaves the row pending, to be sent again when the lease ends,
 * so receivers dedupe on {@code X-Patchbay-Delivery-Id}.
 */
public final class OutboxWorker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OutboxWorker.class.getName());

    /** A row this worker holds; {@code token} fences every write to it. */
    private record Claimed(String id, String workspaceId, String kind, String url, String body, String signingKeyId, int attempts,
                           String token) { }

    private final DbClient db;
    private final OutboxConfig config;
    private final OutboundHttp http;
    private final SigningKeys keys;
    private final RowHeaders extra;
    private final Clock clock;
    private final RetryPolicy policy;
    private final Semaphore slots;
    private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();
    private final BlockingQueue<Boolean> nudges = new ArrayBlockingQueue<>(1);
    private final Thread poller;
    private volatile boolean running = true;
    private volatile ControlMetrics metrics = ControlMetrics.none();

    private OutboxWorker(DbClient db, OutboxConfig config, OutboundHttp http, SigningKeys keys, RowHeaders extra,
                         Clock clock) {
        this.db = db;
        this.extra = extra;
        this.config = config;
        this.http = http;
        this.keys = keys;
        this.clock = clock;
        this.policy = new RetryPolicy(config);
        this.slots = new Semaphore(config.concurrency());
        this.poller = Thread.ofVirtual().name("outbox-poller").unstarted(this::pollLoop);
    }

    /** Starts polling with explicit collaborators; {@code http} must be built on a Redirect.NEVER client. */
    public static OutboxWorker start(DbClient db, OutboxConfig config, OutboundHttp http, SigningKeys keys, Clock clock) {
        return start(db, config, http, keys, RowHeaders.NONE, clock);
    }

    /** As above, with headers some receivers demand on top of Patchbay's (see {@link RowHeaders}). */
    public static OutboxWorker start(DbClient db, OutboxConfig config, OutboundHttp http, SigningKeys keys, RowHeaders extra,
                                     Clock clock) {
        OutboxWorker worker = new OutboxWorker(db, config, http, keys, extra, clock);
        worker.poller.start();
        return worker;
    }

    /** Starts polling with everything read from {@code root} ({@code patchbay.control.outbox.*}, {@code .outbound.*}). */
    public static OutboxWorker start(DbClient db, Config root) {
        OutboxConfig config = OutboxConfig.from(root);
        OutboundHttp http = new OutboundHttp(OutboundHttp.newClient(config.timeout()),
                new SsrfGuard(OutboundPolicy.from(root)));
        return start(db, config, http, SigningKeys.fromConfig(root), Clock.systemUTC());
    }

    /** Where delivery attempts are counted by outcome. */
    public void metrics(ControlMetrics metrics) {
        this.metrics = metrics;
    }

    /** Polls now rather than at the next tick, e.g. right after an enqueue commits. */
    public void wake() {
        nudges.offer(Boolean.TRUE);
    }

    private void pollLoop() {
        while (running) {
            try {
                pollOnce();
            } catch (RuntimeException e) {
                // The poller must outlive any one failure (database restart, pool exhausted).
                LOG.warning(() -> "outbox poll failed, retrying in " + config.pollInterval().toMillis() + " ms: "
                        + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            try {
                nudges.poll(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pollOnce() {
        int free = slots.availablePermits();
        if (free == 0) {
            return;
        }
        List<Claimed> claimed = claim(free);
        // A full batch means more rows are probably due: poll again as soon as a slot frees up.
        boolean backlog = claimed.size() == free;
        for (Claimed row : claimed) {
            slots.acquireUninterruptibly();
            deliveries.submit(() -> {
                try {
                    deliver(row);
                } finally {
                    slots.release();
                    if (backlog) {
                        wake();
                    }
                }
            });
        }
    }

    /** Claims up to {@code limit} due rows in one short transaction and returns them. */
    private List<Claimed> claim(int limit) {
        String token = UUID.randomUUID().toString();
        OffsetDateTime now = Outbox.now(clock);
        OffsetDateTime until = now.plus(config.lease());
        DbTransaction tx = db.transaction();
        try {
            List<String> due;
            try (Stream<DbRow> rows = tx.namedQuery("outbox-select-due", now, now, limit)) {
                due = rows.map(r -> r.column("id").get(String.class)).toList();
            }
            for (String id : due) {
                tx.namedUpdate("outbox-claim", token, until, id, now);
            }
            List<Claimed> claimed;
            try (Stream<DbRow> rows = tx.namedQuery("outbox-select-claimed", token)) {
                claimed = rows.map(OutboxWorker::claimed).toList();
            }
            tx.commit();
            return claimed;
        } catch (RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }

    private static Claimed claimed(DbRow r) {
        return new Claimed(r.column("id").get(String.class), r.column("workspace_id").get(String.class),
                r.column("kind").get(String.class),
                r.column("url").get(String.class), r.column("body").get(String.class),
                r.column("signing_key_id").get(String.class), r.column("attempts").get(Integer.class),
                r.column("claimed_by").get(String.class));
    }

    private void deliver(Claimed row) {
        int attempt = row.attempts() + 1;
        RetryPolicy.Decision decision;
        try {
            decision = attempt(row, attempt);
        } catch (RuntimeException e) {
            // Counted like any failed attempt, so a row that always throws still ends 'failed'.
            decision = policy.retryable(attempt, "delivery failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        metrics.outboxAttempt(switch (decision) {
            case RetryPolicy.Decision.Delivered d -> "delivered";
            case RetryPolicy.Decision.RetryIn r -> "retry";
            case RetryPolicy.Decision.Fail f -> "failed";
        });
        try {
            record(row, attempt, decision);
        } catch (RuntimeException e) {
            // The row stays claimed until its lease ends, then is sent again: at least once.
            LOG.warning(() -> "outbox " + row.id() + ": could not record attempt " + attempt + " (" + e.getMessage()
                    + "); it will be delivered again after its lease");
        }
    }

    private RetryPolicy.Decision attempt(Claimed row, int attempt) {
        Optional<WebhookSigner> signer = keys.signer(row.signingKeyId());
        if (signer.isEmpty()) {
            return policy.retryable(attempt, SigningKeys.missing(row.signingKeyId()));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "Patchbay-Webhooks/1");
        headers.put(WebhookSigner.DELIVERY_ID_HEADER, row.id());
        headers.put("X-Patchbay-Event", row.kind());
        headers.put("X-Patchbay-Attempt", Integer.toString(attempt));
        headers.putAll(signer.get().headers(clock.instant(), row.body()));
        headers.putAll(extra.headers(row.kind(), row.workspaceId()));
        return policy.decide(http.post(URI.create(row.url()), row.body(), headers, config.timeout()), attempt);
    }

    private void record(Claimed row, int attempt, RetryPolicy.Decision decision) {
        OffsetDateTime now = Outbox.now(clock);
        String host = SsrfGuard.hostOf(row.url());
        long updated = switch (decision) {
            case RetryPolicy.Decision.Delivered d ->
                    db.execute().namedUpdate("outbox-delivered", d.status(), now, row.id(), row.token());
            case RetryPolicy.Decision.RetryIn r -> {
                LOG.info(() -> "outbox " + row.id() + " (" + row.kind() + " to " + host + ") attempt " + attempt
                        + " failed: " + r.error() + "; next try in " + r.delay().toMillis() + " ms");
                yield db.execute().namedUpdate("outbox-retry", r.status(), clip(r.error()), now.plus(r.delay()),
                        row.id(), row.token());
            }
            case RetryPolicy.Decision.Fail f -> {
                LOG.warning(() -> "outbox " + row.id() + " (" + row.kind() + " to " + host + ") failed for good after "
                        + attempt + (attempt == 1 ? " attempt: " : " attempts: ") + f.error() + "; the row is kept, requeue it once the receiver is fixed");
                yield db.execute().namedUpdate("outbox-failed", f.status(), clip(f.error()), row.id(), row.token());
            }
        };
        if (updated == 0) {
            LOG.info(() -> "outbox " + row.id() + ": claim expired during delivery; another attempt may follow");
        }
    }

    private static String clip(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 997) + "...";
    }

    /** Stops polling and waits up to {@code grace} for deliveries in flight; unfinished rows are retried after their lease. */
    public void close(Duration grace) {
        running = false;
        // No interrupt: it would close the JDBC socket under a claim transaction. A nudge ends the wait.
        wake();
        try {
            poller.join(grace);
            deliveries.shutdown();
            if (!deliveries.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                deliveries.shutdownNow();
            }
        } catch (InterruptedException e) {
            deliveries.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
