package dev.patchbay.agents.calls;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.session.SessionStore;
import dev.patchbay.agents.wallet.Ledger;
import dev.patchbay.agents.wallet.Money;
import dev.patchbay.agents.wallet.Tariff;
import dev.patchbay.agents.wallet.Wallet;
import dev.patchbay.agents.webhooks.AgentEvents;
import dev.patchbay.control.call.CallObserver;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.rest.ApiJson;

/**
 * Settles an agent's call when it ends: its reservation pays its rated duration (per started
 * billing increment, never more than was held) and the rest goes back to the wallet; then it
 * records its quality, and tells the agent: {@code call.ringing}, {@code call.answered}, then {@code call.completed} or
 * {@code call.failed}, and {@code balance.low} when the charge takes the wallet under the threshold.
 * Every write is guarded so a call is charged once even if two replicas see its end.
 */
public final class Billing implements CallObserver {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Billing.class.getName());

    private final AgentCallStore calls;
    private final SessionStore sessions;
    private final Wallet wallet;
    private final AgentEvents events;
    private final Quality quality;
    private final int incrementSeconds;
    private final int lowBalanceMinutes;

    public Billing(AgentCallStore calls, SessionStore sessions, Wallet wallet, AgentEvents events, Quality quality,
                   int incrementSeconds, int lowBalanceMinutes) {
        this.calls = calls;
        this.sessions = sessions;
        this.wallet = wallet;
        this.events = events;
        this.quality = quality;
        this.incrementSeconds = incrementSeconds;
        this.lowBalanceMinutes = lowBalanceMinutes;
    }

    /** Seconds to bill: every started second of an answered call counts, so a connected call is never free. */
    public static long billableSeconds(CallRecord call, java.time.Instant now) {
        if (call.answeredAt() == null) {
            return 0;
        }
        long ms = java.time.Duration.between(call.answeredAt(), call.endedAt() == null ? now : call.endedAt()).toMillis();
        return Math.max(1, (ms + 999) / 1000);
    }

    /** Billed minutes for a duration: whole increments, started ones counted, shown in minutes. */
    public long minutes(long durationSeconds) {
        return new Tariff(0, incrementSeconds).minutes(durationSeconds);
    }

    /** The charge for a duration at a per-minute rate, in micro-units. */
    public long cost(long durationSeconds, long rateMicrosPerMinute) {
        return new Tariff(rateMicrosPerMinute, incrementSeconds).cost(durationSeconds);
    }

    @Override
    public void ringing(CallRecord call) {
        context(call).ifPresent(c -> events.emit(c.session(), call.id(), "call.ringing", data(call, c.session()),
                c.call().webhookUrl()));
    }

    @Override
    public void answered(CallRecord call) {
        context(call).ifPresent(c -> events.emit(c.session(), call.id(), "call.answered", data(call, c.session())
                .put("answered_at", call.answeredAt() == null ? null : call.answeredAt().toString()), c.call().webhookUrl()));
    }

    @Override
    public void ended(CallRecord call, RtpStats stats) {
        settle(call, stats);
    }

    /**
     * Settles the call's reservation by its rated duration from the record, stores the bill and
     * quality once, and tells the agent. {@code stats} is null when the live counters are gone (the
     * sweeper settling a call whose replica died): the bill stands, the quality stays unknown.
     */
    public void settle(CallRecord call, RtpStats stats) {
        Optional<Context> found = context(call);
        if (found.isEmpty()) {
            return;
        }
        AgentCall a = found.get().call();
        AgentSession s = found.get().session();
        Optional<Ledger.Reservation> reservation = wallet.ledger().reservationOfCall(call.id());
        // The media-plane hangs up at the reserved length; the moment its BYE takes is not the agent's to pay.
        long seconds = Math.min(billableSeconds(call, call.endedAt() == null ? java.time.Instant.now() : call.endedAt()),
                reservation.map(Ledger.Reservation::maxSeconds).orElse(Integer.MAX_VALUE));
        Tariff tariff = new Tariff(a.rateMicros(), incrementSeconds);
        int minutes = (int) tariff.minutes(seconds);
        Optional<Ledger.Settlement> settled = reservation.flatMap(r -> wallet.ledger().settle(r.id(), tariff.cost(seconds),
                minutes));
        // What was charged, never more than was held; a settlement that lost a race reads the winner's.
        long micros = settled.map(Ledger.Settlement::chargedMicros).orElseGet(() -> wallet.ledger()
                .reservationOfCall(call.id()).map(r -> r.costMicros() == null ? 0L : r.costMicros()).orElse(0L));
        if (reservation.isEmpty()) {
            LOG.warning(() -> "agent call " + call.id() + " ended with no wallet reservation (placed before V16?); not charged");
        }
        Quality.Metrics q = stats == null ? new Quality.Metrics(null, null, null, null) : quality.of(stats);
        if (!calls.billed(call.id(), minutes, micros, q.mos(), q.jitterMs(), q.packetLoss())) {
            return; // another replica billed and reported this call
        }
        ObjectNode data = data(call, s).put("status", call.status().wire()).put("duration", seconds)
                .put("ended_at", call.endedAt() == null ? null : call.endedAt().toString())
                .put("hangup_cause", call.hangupCause()).put("reason", call.reason());
        data.putObject("cost").put("minutes", minutes).put("amount", Money.value(micros)).put("currency", s.currency());
        events.emit(s, call.id(), call.status() == CallStatus.COMPLETED ? "call.completed" : "call.failed", data,
                a.webhookUrl());
        if (settled.isPresent() && settled.get().chargedMicros() > 0) {
            long threshold = lowBalanceMinutes * wallet.minutePrice(s.currency());
            long after = settled.get().availableAfterMicros();
            if (settled.get().availableWithoutCallMicros() >= threshold && after < threshold) {
                ObjectNode low = ApiJson.object().put("session_id", s.id());
                low.set("balance", wallet.view(after, s.currency()));
                low.put("threshold_minutes", lowBalanceMinutes);
                events.emit(s, call.id(), "balance.low", low, null);
            }
        }
    }

    private record Context(AgentCall call, AgentSession session) { }

    private Optional<Context> context(CallRecord call) {
        return calls.find(call.id()).flatMap(a -> sessions.find(a.sessionId()).map(s -> new Context(a, s)));
    }

    private static ObjectNode data(CallRecord call, AgentSession s) {
        return ApiJson.object().put("call_id", call.id()).put("session_id", s.id()).put("to_number", call.to())
                .put("from_number", call.from());
    }
}
