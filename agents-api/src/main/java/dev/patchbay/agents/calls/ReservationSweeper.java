package dev.patchbay.agents.calls;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.patchbay.agents.wallet.Ledger;
import dev.patchbay.agents.wallet.Tariff;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.store.CallStore;

/**
 * Settles what a crash left held. A reservation is written before its call is placed and settled
 * when the call ends; a replica that dies in between leaves it held, with the money out of the
 * wallet. Any replica's sweeper finds such reservations after {@code grace} and settles them from
 * the call's real record: an ended call pays its rated duration, a call never recorded (the process
 * died before placing it) or gone from the records releases everything. A live call is left alone.
 */
public final class ReservationSweeper {

    private static final Logger LOG = Logger.getLogger(ReservationSweeper.class.getName());
    private static final int BATCH = 100;

    /** What one pass did. */
    public record Pass(int settled, int released, int live) { }

    private final Ledger ledger;
    private final CallStore calls;
    private final Billing billing;
    private final int incrementSeconds;
    private final Duration grace;
    private final Clock clock;

    public ReservationSweeper(Ledger ledger, CallStore calls, Billing billing, int incrementSeconds, Duration grace,
                              Clock clock) {
        this.ledger = ledger;
        this.calls = calls;
        this.billing = billing;
        this.incrementSeconds = incrementSeconds;
        this.grace = grace;
        this.clock = clock;
    }

    /** Sweeps every {@code interval} on {@code workers}, so the database work never holds up the timer thread. */
    public void start(ScheduledExecutorService timers, java.util.concurrent.Executor workers, Duration interval) {
        timers.scheduleWithFixedDelay(() -> workers.execute(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "wallet reservation sweep failed; next try in " + interval + ": " + e);
            }
        }), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass over held reservations older than the grace period. */
    public Pass sweep() {
        int settled = 0;
        int released = 0;
        int live = 0;
        for (Ledger.Reservation r : ledger.held(clock.instant().minus(grace), BATCH)) {
            Optional<CallRecord> call = r.callId() == null ? Optional.empty() : calls.find(r.workspaceId(), r.callId());
            if (call.isEmpty()) {
                if (ledger.settle(r.id(), 0, 0).isPresent()) {
                    released++;
                    LOG.info("released wallet reservation " + r.id() + " of session " + r.sessionId() + ": "
                            + (r.callId() == null ? "no call was recorded with it" : "call " + r.callId() + " is gone"));
                }
                continue;
            }
            CallRecord c = call.get();
            if (!c.status().terminal()) {
                live++;
                continue;
            }
            // The normal path first, so the agent gets its call.completed and the bill is stored once;
            // then straight from the record if that path has nothing to go on (the session was deleted).
            billing.settle(c, null);
            long seconds = Math.min(Billing.billableSeconds(c, c.endedAt() == null ? clock.instant() : c.endedAt()),
                    r.maxSeconds());
            Tariff tariff = new Tariff(r.rateMicros(), incrementSeconds);
            ledger.settle(r.id(), tariff.cost(seconds), (int) tariff.minutes(seconds));
            settled++;
            LOG.info("settled wallet reservation " + r.id() + " of call " + c.id() + " from its record ("
                    + c.status().wire() + ", " + seconds + " s billable)");
        }
        return new Pass(settled, released, live);
    }
}
