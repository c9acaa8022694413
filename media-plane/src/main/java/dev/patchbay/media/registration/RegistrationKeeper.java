package dev.patchbay.media.registration;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Logger;

import dev.patchbay.media.sip.RegisterClient;
import dev.patchbay.media.sip.RegisterClient.Outcome;
import dev.patchbay.schema.DbSettings;
import dev.patchbay.schema.SecretBox;

/**
 * Keeps this node's share of trunk registrations (issue 19 part 4). Every poll it renews its
 * leases, drops registrations it no longer holds (deleted, changed, taken over), and claims rows
 * whose holder is gone (none, or lease lapsed). For each one it holds it sends REGISTER, refreshes
 * before expiry ({@link RegistrationTiming}), retries failures with capped exponential backoff
 * (honouring Retry-After and 423 Min-Expires), and reports the state in the row. Everything runs
 * on one thread, so a registration has a single owner; SIP outcomes hop onto it.
 */
public final class RegistrationKeeper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RegistrationKeeper.class.getName());
    /** How long a drain waits for the registrar to confirm each removal before releasing anyway. */
    private static final Duration UNREGISTER_WAIT = Duration.ofSeconds(2);

    private final RegistrationLeases leases;
    private final Function<String, String> openPassword;
    private final RegisterClient sip;
    private final RegistrationSettings settings;
    private final Clock clock;
    private final String nodeId;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("registrations").daemon(true).factory());
    private final Map<String, HeldRegistration> held = new HashMap<>();
    /** Rows this node cannot open (another secrets key), by trunk id, with the revision tried; not claimed again until it changes. */
    private final Map<String, Integer> unopenable = new HashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private volatile Map<RegistrationState, Integer> counts = Map.of();
    private Instant leaseValidUntil = Instant.MIN;
    private boolean draining;

    RegistrationKeeper(RegistrationLeases leases, Function<String, String> openPassword, RegisterClient sip,
                       RegistrationSettings settings, Clock clock, String nodeId) {
        this.leases = leases;
        this.openPassword = openPassword;
        this.sip = sip;
        this.settings = settings;
        this.clock = clock;
        this.nodeId = nodeId;
    }

    /** Starts polling at once. */
    public static RegistrationKeeper start(DbSettings db, String nodeId, SecretBox box,
                                           RegisterClient sip, RegistrationSettings settings, Clock clock) {
        RegistrationKeeper keeper = new RegistrationKeeper(new RegistrationLeases(db, nodeId), box::open, sip, settings,
                clock, nodeId);
        keeper.thread.scheduleWithFixedDelay(keeper::tick, 0, settings.poll().toMillis(), TimeUnit.MILLISECONDS);
        return keeper;
    }

    /** Registrations held here, by state; for the gauges. */
    public Map<RegistrationState, Integer> counts() {
        return counts;
    }

    /** REGISTER outcomes so far: registered, rejected, too_brief, unreachable. */
    public long outcomes(String kind) {
        AtomicLong n = outcomes.get(kind);
        return n == null ? 0 : n.get();
    }

    private void tick() {
        try {
            Instant now = clock.instant();
            try {
                leases.renew(now.plus(settings.lease()));
                leaseValidUntil = now.plus(settings.lease());
            } catch (SQLException e) {
                leases.close();
                if (now.isAfter(leaseValidUntil) && !held.isEmpty()) {
                    LOG.warning(() -> "cannot renew registration leases (" + e.getMessage() + "); they have lapsed, so "
                            + "another node may hold them now: stopping " + held.size() + " registrations here");
                    new ArrayList<>(held.keySet()).forEach(id -> drop(id, true));
                }
                return;
            }
            List<RegistrationLeases.Row> rows = leases.all();
            Map<String, RegistrationLeases.Row> byId = new HashMap<>();
            rows.forEach(r -> byId.put(r.trunkId(), r));
            for (String id : new ArrayList<>(held.keySet())) {
                RegistrationLeases.Row row = byId.get(id);
                if (row == null || !nodeId.equals(row.holderNode())) {
                    LOG.info(() -> "registration of trunk " + id + (row == null ? " was deleted" : " is held by "
                            + row.holderNode() + " now") + "; removing this node's binding");
                    drop(id, true);
                } else if (row.revision() != held.get(id).revision) {
                    drop(id, true);
                    take(row);
                }
            }
            if (!draining) {
                for (RegistrationLeases.Row row : rows) {
                    boolean free = row.holderNode() == null || row.leaseUntil() == null || row.leaseUntil().isBefore(now)
                            || nodeId.equals(row.holderNode());
                    Integer bad = unopenable.get(row.trunkId());
                    if (free && !held.containsKey(row.trunkId()) && (bad == null || bad != row.revision())
                            && leases.claim(row.trunkId(), now, now.plus(settings.lease()))) {
                        take(row);
                    }
                }
            }
        } catch (SQLException e) {
            leases.close();
            LOG.fine(() -> "registration poll failed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warning(() -> "registration poll failed: " + e);
        } finally {
            recount();
        }
    }

    private void take(RegistrationLeases.Row row) throws SQLException {
        String password;
        try {
            password = openPassword.apply(row.passwordEnc());
        } catch (IllegalArgumentException e) {
            unopenable.put(row.trunkId(), row.revision());
            leases.report(row.trunkId(), RegistrationState.FAILED.wire(), null, "this node cannot open the password: set "
                    + "patchbay.secrets.key (and .previous) on the media-plane to the admin-api's keys", clock.instant());
            leases.release(row.trunkId(), clock.instant());
            return;
        }
        RegisterClient.Binding binding = new RegisterClient.Binding(row.registrar(), row.transport(), row.username(),
                password, row.contactUser(), sip.newCallId());
        HeldRegistration h = new HeldRegistration(row.trunkId(), row.revision(), row.expires(), binding);
        held.put(row.trunkId(), h);
        LOG.info(() -> "node " + nodeId + " holds the registration of trunk " + row.trunkId() + " at " + row.registrar());
        h.state = RegistrationState.REGISTERING;
        report(h);
        send(h);
    }

    private void send(HeldRegistration h) {
        int generation = h.generation;
        sip.register(h.binding, h.asked).thenAccept(outcome -> onThread(() -> {
            if (held.get(h.trunkId) == h && h.generation == generation) {
                handle(h, outcome);
            }
        }));
    }

    private void handle(HeldRegistration h, Outcome outcome) {
        Instant now = clock.instant();
        switch (outcome) {
            case Outcome.Registered ok when ok.seconds() > 0 -> {
                count("registered");
                h.failures = 0;
                h.state = RegistrationState.REGISTERED;
                h.expiresAt = now.plusSeconds(ok.seconds());
                h.lastError = null;
                schedule(h, RegistrationTiming.refreshAfter(ok.seconds()));
            }
            case Outcome.Registered ok -> {
                count("rejected");
                fail(h, "the registrar granted 0 seconds to our Contact", 0);
            }
            case Outcome.IntervalTooBrief brief when brief.minExpires() > h.asked && h.failures < 3 -> {
                count("too_brief");
                h.asked = brief.minExpires(); // RFC 3261 section 10.2.8: retry at once with at least Min-Expires
                h.failures++;
                send(h);
            }
            case Outcome.IntervalTooBrief brief -> {
                count("rejected");
                fail(h, "423 Interval Too Brief, Min-Expires " + brief.minExpires(), 0);
            }
            case Outcome.Rejected r -> {
                count("rejected");
                fail(h, r.reason(), r.retryAfter());
            }
            case Outcome.Unreachable u -> {
                count("unreachable");
                fail(h, u.why(), 0);
            }
        }
        report(h);
        recount();
    }

    private void fail(HeldRegistration h, String why, int retryAfter) {
        h.failures++;
        h.state = RegistrationState.FAILED;
        h.lastError = why;
        if (h.expiresAt != null && h.expiresAt.isBefore(clock.instant())) {
            h.expiresAt = null;
        }
        Duration delay = RegistrationTiming.backoff(h.failures, settings.backoffMin(), settings.backoffMax(), retryAfter);
        LOG.warning(() -> "REGISTER for trunk " + h.trunkId + " failed (" + why + "); retrying in " + delay.toMillis() + " ms");
        schedule(h, delay);
    }

    private void schedule(HeldRegistration h, Duration delay) {
        h.cancelTimer();
        int generation = h.generation;
        h.next = thread.schedule(() -> {
            if (held.get(h.trunkId) == h && h.generation == generation) {
                send(h);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops holding one registration; {@code unregister} removes our Contact at the registrar (Expires: 0). */
    private CompletableFuture<Outcome> drop(String trunkId, boolean unregister) {
        HeldRegistration h = held.remove(trunkId);
        if (h == null) {
            return CompletableFuture.completedFuture(new Outcome.Registered(0));
        }
        h.cancelTimer();
        CompletableFuture<Outcome> removed = unregister && h.expiresAt != null
                ? sip.register(h.binding, 0) : CompletableFuture.completedFuture(new Outcome.Registered(0));
        return removed.whenComplete((o, e) -> sip.forget(h.binding));
    }

    private void report(HeldRegistration h) {
        try {
            leases.report(h.trunkId, h.state.wire(), h.expiresAt, h.lastError, clock.instant());
        } catch (SQLException e) {
            leases.close();
            LOG.fine(() -> "cannot report registration state: " + e.getMessage());
        }
    }

    private void recount() {
        Map<RegistrationState, Integer> c = new EnumMap<>(RegistrationState.class);
        held.values().forEach(h -> c.merge(h.state, 1, Integer::sum));
        counts = Map.copyOf(c);
    }

    private void count(String kind) {
        outcomes.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    private void onThread(Runnable work) {
        try {
            thread.execute(work);
        } catch (RejectedExecutionException e) {
            // stopped: the outcome no longer matters
        }
    }

    /**
     * Drain: claims nothing more, removes this node's bindings at the registrars and releases the rows,
     * so other nodes take them over on their next poll rather than after the lease lapses.
     */
    public void drain() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                draining = true;
                List<CompletableFuture<Outcome>> removals = new ArrayList<>();
                for (String id : new ArrayList<>(held.keySet())) {
                    removals.add(drop(id, true));
                    try {
                        leases.release(id, clock.instant());
                    } catch (SQLException e) {
                        leases.close();
                        LOG.warning(() -> "cannot release the registration of trunk " + id + " (" + e.getMessage()
                                + "); another node takes it over when the lease lapses");
                    }
                }
                recount();
                CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> done.complete(null));
            });
            done.get(UNREGISTER_WAIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | TimeoutException | ExecutionException e) {
            LOG.fine(() -> "registration drain did not finish: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops without unregistering or releasing, as a crash would; for tests of the lease takeover. */
    public void abandon() {
        thread.shutdownNow();
        leases.close();
    }

    @Override
    public void close() {
        if (thread.isShutdown()) {
            return;
        }
        drain();
        thread.shutdownNow();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leases.close();
    }
}
