package dev.patchbay.media.call;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.patchbay.proto.media.v1.HangupCause;

/**
 * The deadlines a call lives under, each ending it with the cause and reason that name what did not
 * happen in time. A call holds one main timer (route, ring, ACK or maximum duration: its states follow
 * each other, so a new one replaces the old) and one session-refresh timer.
 */
final class CallTimers {

    /** How a deadline ends a call: {@link CallManager#end}. */
    @FunctionalInterface
    interface Ender {
        void end(Call call, HangupCause cause, int sipStatus, String reason);
    }

    private final ScheduledExecutorService timers;
    private final CallPolicy policy;
    private final Ender ender;

    CallTimers(ScheduledExecutorService timers, CallPolicy policy, Ender ender) {
        this.timers = timers;
        this.policy = policy;
        this.ender = ender;
    }

    /** An offered call waits this long for the control-plane's decision. */
    void routeDecision(Call call) {
        call.timer(timers.schedule(() -> {
            if (call.state() instanceof CallState.Offered) {
                ender.end(call, HangupCause.ROUTE_TIMEOUT, 503, "no route decision within " + policy.routeTimeout().toMillis() + " ms");
            }
        }, policy.routeTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }

    /** A ringing call waits this long to be answered or rejected. */
    void ring(Call call) {
        call.timer(timers.schedule(() -> ender.end(call, HangupCause.ROUTE_TIMEOUT, 480,
                "the bot platform did not answer within " + policy.ringTimeout().toSeconds() + " s"),
                policy.ringTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Our 200 OK waits this long for its ACK. */
    void ack(Call call) {
        call.timer(timers.schedule(() -> {
            if (call.state() instanceof CallState.Answered) {
                ender.end(call, HangupCause.NO_ACK, 408, "no ACK for our 200 OK");
            }
        }, policy.ackTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }

    /** A placed call that asked for a maximum duration is hung up after {@code seconds}. */
    void maxDuration(Call call, int seconds) {
        call.timer(timers.schedule(() -> ender.end(call, HangupCause.MAX_DURATION, 200, "maximum call duration of " + seconds
                + " s reached"), seconds, TimeUnit.SECONDS));
    }

    /** A call whose bot stream broke is hung up unless a bot attaches again ({@code seen} attachments so far). */
    void reattach(Call call, int seen, String reason) {
        long graceMillis = policy.reattachGrace().toMillis();
        timers.schedule(() -> {
            if (call.attachments() == seen) {
                ender.end(call, HangupCause.BOT_HANGUP, 200, reason + ", and no bot re-attached within " + graceMillis + " ms");
            }
        }, graceMillis, TimeUnit.MILLISECONDS);
    }

    /** (Re)starts a call's session-timer deadline. */
    void refresh(Call call, long millis, int intervalSeconds) {
        call.refreshTimer(timers.schedule(() -> ender.end(call, HangupCause.SESSION_EXPIRED, 408,
                "no session refresh within the " + intervalSeconds + " s session interval"), millis, TimeUnit.MILLISECONDS));
    }
}
