package dev.patchbay.control.integration.ameyo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

/**
 * The wait for Ameyo's BYE, kept in {@code ameyo_bye_timers} (V21) so that any replica enforces it.
 *
 * <p>A row is written when the bot hands the call back, together with the notification's outbox row. The
 * wait starts when the outbox records the POST as delivered ({@code outbox.delivered_at}), not at the
 * hand-back: an Ameyo outage longer than the wait no longer hangs up a customer whose notification is
 * still being retried. A notification the outbox gives up on gets the configured {@link AmeyoConfig.OnFailure}.
 *
 * <p>Every replica sweeps. A sweep claims rows with {@code FOR UPDATE SKIP LOCKED} and acts while it holds
 * their locks, so exactly one replica hangs a call up; a replica that dies mid-way rolls back and the row
 * is due again for the others.
 */
public final class AmeyoByeTimers {

    private static final Logger LOG = Logger.getLogger(AmeyoByeTimers.class.getName());
    private static final int BATCH = 50;

    /** A row's state, as stored. */
    public enum State {
        NOTIFYING, ARMED, FIRED, GAVE_UP, TO_BOT, DONE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State of(String column) {
            return valueOf(column.toUpperCase(Locale.ROOT));
        }
    }

    /** How a sweep ends a call; the control-plane's call actions and bridges. */
    public interface Ending {
        /** Hangs the call up on its media node; throws when this replica cannot, so that another one may. */
        void hangup(CallRecord call, String reason);

        /** True when this replica bridges the call's bot, the only one that can connect the bot again. */
        boolean bridgedHere(String callId);

        /** Connects the call's bot again in place of the bridge that holds the call for Ameyo's BYE. */
        void backToBot(CallRecord call);
    }

    private record Row(String callId, String workspaceId, String outboxId, long timeoutMs) { }

    private final DbClient db;
    private final CallStore calls;
    private final AmeyoConfig config;
    private final Ending ending;
    private final String replica;
    private final Clock clock;

    public AmeyoByeTimers(DbClient db, CallStore calls, AmeyoConfig config, Ending ending, String replica, Clock clock) {
        this.db = db;
        this.calls = calls;
        this.config = config;
        this.ending = ending;
        this.replica = replica;
        this.clock = clock;
    }

    /** The call's timer row, if its bot has handed it back. */
    public Optional<State> state(CallRecord call) {
        return db.execute().namedGet("ameyo-timer-state", call.id(), call.workspaceId())
                .map(r -> State.of((String) Db.columns(r).get("state")));
    }

    /**
     * Starts the row of a freshly handed-back call through {@code tx}, the transaction that queues its
     * notification ({@code outboxId}, null when it could not be queued). A second hand-back of the same call
     * breaks the primary key, which the caller takes as "notified already".
     */
    void start(DbExecute tx, CallRecord call, String outboxId, Duration timeout) {
        Instant now = clock.instant();
        tx.namedInsert("ameyo-timer-insert", call.id(), call.workspaceId(), outboxId, timeout.toMillis(), Db.utc(now),
                Db.utc(now));
    }

    /** Waits anew for a call the bot had back and handed back again; false if the row was not {@code to_bot}. */
    boolean restart(DbExecute tx, CallRecord call, String outboxId, Duration timeout) {
        return tx.namedUpdate("ameyo-timer-renotify", outboxId, timeout.toMillis(), Db.utc(clock.instant()), call.id(),
                call.workspaceId()) == 1;
    }

    /** One pass: settled notifications first (arming their timers), then due timers; returns the rows resolved. */
    public int sweep() {
        int n = 0;
        try {
            n += settled();
            n += due();
        } catch (RuntimeException e) {
            // The sweeper must outlive a database restart; the rows wait for the next pass.
            LOG.warning(() -> "Ameyo BYE timer sweep failed, retrying in " + config.sweepInterval().toMillis() + " ms: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return n;
    }

    /** Notifications the outbox has finished with: delivered arms the timer, failed applies the policy. */
    private int settled() {
        List<Runnable> afterCommit = new ArrayList<>();
        int resolved = inTransaction(tx -> {
            int n = 0;
            for (Row row : Db.list(tx.namedQuery("ameyo-timers-settled", BATCH), AmeyoByeTimers::row)) {
                Optional<CallRecord> call = live(row);
                if (call.isEmpty()) {
                    n += resolve(tx, row, State.NOTIFYING, State.DONE);
                    continue;
                }
                Map<String, Object> outcome = row.outboxId() == null ? null
                        : tx.namedGet("ameyo-notification-outcome", row.outboxId(), row.workspaceId()).map(Db::columns).orElse(null);
                if (outcome != null && "delivered".equals(outcome.get("state"))) {
                    Instant delivered = Db.instant(outcome.get("delivered_at"));
                    Instant due = delivered.plusMillis(row.timeoutMs());
                    tx.namedUpdate("ameyo-timer-arm", Db.utc(due), Db.utc(clock.instant()), row.callId(), row.workspaceId());
                    calls.event(row.callId(), "ameyo-notification-delivered", "delivered at " + delivered + " ("
                            + outcome.get("last_status") + "); Ameyo's BYE is awaited until " + due);
                    continue;
                }
                n += gaveUp(tx, call.get(), row, failure(row, outcome), afterCommit);
            }
            return n;
        });
        afterCommit.forEach(Runnable::run);
        return resolved;
    }

    private int gaveUp(DbExecute tx, CallRecord call, Row row, String why, List<Runnable> afterCommit) {
        // A gRPC bot attaches itself: there is no bridge here to give it the call back, so the call is hung up.
        boolean reconnectable = call.stream().url() != null || "echo".equals(call.stream().dialect());
        AmeyoConfig.OnFailure policy = reconnectable ? config.onNotificationFailure() : AmeyoConfig.OnFailure.HANG_UP;
        return switch (policy) {
            case HANG_UP -> {
                String reason = why + "; Ameyo will send no BYE, so Patchbay hangs up (patchbay.ameyo.on-notification-failure"
                        + " is " + config.onNotificationFailure().wire() + (reconnectable ? ")" : ", but the call's gRPC bot"
                        + " attaches itself and cannot be given the call back)");
                if (!hangup(call, reason)) {
                    yield 0;
                }
                calls.event(call.id(), "ameyo-notification-gave-up", reason);
                yield resolve(tx, row, State.NOTIFYING, State.GAVE_UP);
            }
            case BOT -> {
                // Only the replica whose bridge holds the call can swap it for the bot; the others leave the row.
                if (!ending.bridgedHere(call.id())) {
                    yield 0;
                }
                int n = resolve(tx, row, State.NOTIFYING, State.TO_BOT);
                if (n == 1) {
                    calls.event(call.id(), "ameyo-notification-gave-up", why + "; the bot has the call again"
                            + " (patchbay.ameyo.on-notification-failure is bot)");
                    // After the commit: the new bridge reads the row to decide between holding and the bot.
                    afterCommit.add(() -> ending.backToBot(call));
                }
                yield n;
            }
        };
    }

    /** Timers whose wait for Ameyo's BYE is over: the call is hung up here, once. */
    private int due() {
        return inTransaction(tx -> {
            int n = 0;
            for (Row row : Db.list(tx.namedQuery("ameyo-timers-due", Db.utc(clock.instant()), BATCH), AmeyoByeTimers::row)) {
                Optional<CallRecord> call = live(row);
                if (call.isEmpty()) {
                    n += resolve(tx, row, State.ARMED, State.DONE);
                    continue;
                }
                String reason = "Ameyo sent no BYE within " + Duration.ofMillis(row.timeoutMs()).toSeconds()
                        + " s of its notification being delivered";
                if (hangup(call.get(), reason)) {
                    calls.event(row.callId(), "far-end-bye-timeout", reason + " (hung up by " + replica + ")");
                    n += resolve(tx, row, State.ARMED, State.FIRED);
                }
            }
            return n;
        });
    }

    private boolean hangup(CallRecord call, String reason) {
        try {
            ending.hangup(call, reason);
            return true;
        } catch (RuntimeException e) {
            // Left for the next pass or another replica, which may reach the call's media node.
            LOG.warning(() -> "call " + call.id() + ": hanging up (" + reason + ") failed on " + replica + ": " + e.getMessage());
            return false;
        }
    }

    private Optional<CallRecord> live(Row row) {
        return calls.find(row.callId()).filter(c -> c.workspaceId().equals(row.workspaceId()) && !c.status().terminal());
    }

    private int resolve(DbExecute tx, Row row, State from, State to) {
        return (int) tx.namedUpdate("ameyo-timer-resolve", to.wire(), replica, Db.utc(clock.instant()), row.callId(),
                row.workspaceId(), from.wire());
    }

    private static String failure(Row row, Map<String, Object> outcome) {
        if (outcome == null) {
            return "Ameyo's notification could not be queued (see the call's ameyo-notification-failed event)";
        }
        return "Ameyo's notification " + row.outboxId() + " failed for good after " + outcome.get("attempts") + " attempts"
                + (outcome.get("last_status") != null ? " (last status " + outcome.get("last_status") + ")" : "")
                + (outcome.get("last_error") != null ? ": " + outcome.get("last_error") : "");
    }

    private static Row row(DbRow r) {
        Map<String, Object> c = Db.columns(r);
        return new Row((String) c.get("call_id"), (String) c.get("workspace_id"), (String) c.get("outbox_id"),
                ((Number) c.get("bye_timeout_ms")).longValue());
    }

    private <T> T inTransaction(Function<DbTransaction, T> work) {
        DbTransaction tx = db.transaction();
        try {
            T result = work.apply(tx);
            tx.commit();
            return result;
        } catch (RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }
}
