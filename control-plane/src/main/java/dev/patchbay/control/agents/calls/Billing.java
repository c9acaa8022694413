package dev.patchbay.control.agents.calls;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.agents.session.AgentSession;
import dev.patchbay.control.agents.session.SessionStore;
import dev.patchbay.control.agents.wallet.Ledger;
import dev.patchbay.control.agents.wallet.Money;
import dev.patchbay.control.agents.wallet.Wallet;
import dev.patchbay.control.agents.webhooks.AgentEvents;
import dev.patchbay.control.call.CallObserver;
import dev.patchbay.control.call.CallRecord;
import dev.patchbay.control.call.CallStatus;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.rest.ApiJson;

/**
 * Charges an agent's call when it ends (by its rated duration, per started billing increment),
 * records its quality, and tells the agent: {@code call.ringing}, {@code call.answered}, then {@code call.completed} or
 * {@code call.failed}, and {@code balance.low} when the charge takes the wallet under the threshold.
 * Every write is guarded so a call is charged once even if two replicas see its end.
 */
public final class Billing implements CallObserver {

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
        return (billedSeconds(durationSeconds) + 59) / 60;
    }

    /** The charge for a duration at a per-minute rate, in micro-units. */
    public long cost(long durationSeconds, long rateMicrosPerMinute) {
        return billedSeconds(durationSeconds) * rateMicrosPerMinute / 60;
    }

    /** The duration rounded up to whole billing increments. */
    private long billedSeconds(long durationSeconds) {
        return (durationSeconds + incrementSeconds - 1) / incrementSeconds * incrementSeconds;
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
        Optional<Context> found = context(call);
        if (found.isEmpty()) {
            return;
        }
        AgentCall a = found.get().call();
        AgentSession s = found.get().session();
        long seconds = billableSeconds(call, java.time.Instant.now());
        long micros = cost(seconds, a.rateMicros());
        int minutes = (int) minutes(seconds);
        Ledger.Debit debit = wallet.ledger().debitCall(s.id(), call.id(), micros, minutes);
        Quality.Metrics q = quality.of(stats);
        if (!calls.billed(call.id(), minutes, micros, q.mos(), q.jitterMs(), q.packetLoss())) {
            return; // another replica billed and reported this call
        }
        ObjectNode data = data(call, s).put("status", call.status().wire()).put("duration", seconds)
                .put("ended_at", call.endedAt() == null ? null : call.endedAt().toString())
                .put("hangup_cause", call.hangupCause()).put("reason", call.reason());
        data.putObject("cost").put("minutes", minutes).put("amount", Money.value(micros)).put("currency", s.currency());
        events.emit(s, call.id(), call.status() == CallStatus.COMPLETED ? "call.completed" : "call.failed", data,
                a.webhookUrl());
        if (debit.entry().isPresent()) {
            long threshold = lowBalanceMinutes * wallet.minutePrice(s.currency());
            long after = debit.entry().get().balanceAfterMicros();
            if (debit.balanceBeforeMicros() >= threshold && after < threshold) {
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
