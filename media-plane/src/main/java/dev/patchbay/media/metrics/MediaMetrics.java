package dev.patchbay.media.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallTally;
import dev.patchbay.media.loop.MediaStats;
import dev.patchbay.proto.media.v1.HangupCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The media-plane's own meters. Nothing here runs per packet: a call's RTP counters, which its
 * loop thread keeps in plain fields, are added to the totals once when the call ends, and gauges
 * are read only when Prometheus scrapes. So a long call's packets show in the totals at its end.
 */
public final class MediaMetrics implements CallTally {

    /** The call states a call in progress can be in (Ended calls leave the registry). */
    private static final List<String> STATES = List.of("offered", "ringing", "answered", "confirmed");
    private static final int FIRST_STATUS = 100;
    private static final int LAST_STATUS = 699;

    private final MeterRegistry registry;
    private final LongSupplier sipRefused;
    private final Counter packetsIn;
    private final Counter packetsOut;
    private final Counter packetsLost;
    private final Counter packetsLate;
    private final Counter framesConcealed;
    private final Counter botFramesQueueFull;
    private final Counter botFramesTrimmed;
    private final Counter callerFramesQueueFull;
    private final Timer jitterDelay;
    private final Timer setupIn;
    private final Timer setupOut;
    private final Counter botsAttached;
    private final AtomicReferenceArray<Counter> inviteIn = new AtomicReferenceArray<>(LAST_STATUS - FIRST_STATUS + 1);
    private final AtomicReferenceArray<Counter> inviteOut = new AtomicReferenceArray<>(LAST_STATUS - FIRST_STATUS + 1);
    private final AtomicLong botsDetached = new AtomicLong();
    private volatile LongSupplier offersRefused = () -> 0;
    private volatile LongSupplier eventsDropped = () -> 0;

    /**
     * Registers the meters.
     *
     * @param controlPlanes replicas with an open Control stream now
     * @param sipRefused    requests refused by SIP validation so far
     */
    public MediaMetrics(MeterRegistry registry, CallManager calls, IntSupplier controlPlanes,
                        LongSupplier sipRefused) {
        this.registry = registry;
        for (String state : STATES) {
            Gauge.builder("patchbay.calls", calls, c -> c.countByState().getOrDefault(state, 0))
                    .description("Calls in progress on this media node, by state.").tag("state", state).register(registry);
        }
        Gauge.builder("patchbay.calls.active", calls, CallManager::activeCalls)
                .description("Calls in progress on this media node.").register(registry);
        Gauge.builder("patchbay.control.planes.connected", controlPlanes, IntSupplier::getAsInt)
                .description("Control-plane replicas with an open Control stream.")
                .strongReference(true).register(registry); // a method reference, held by nothing else
        Gauge.builder("patchbay.rtp.ports.free", calls, c -> c.ports().available())
                .description("RTP ports free in the configured range.").register(registry);
        for (HangupCause cause : HangupCause.values()) {
            if (cause != HangupCause.UNRECOGNIZED && cause != HangupCause.HANGUP_CAUSE_UNSPECIFIED) {
                FunctionCounter.builder("patchbay.calls.ended", calls, c -> c.endedWith(cause))
                        .description("Calls ended since start, by hang-up cause.").tag("cause", cause.name()).register(registry);
            }
        }
        this.sipRefused = sipRefused; // meters hold their objects weakly: this one is reachable through CallManager
        FunctionCounter.builder("patchbay.sip.requests.refused", this, m -> m.sipRefused.getAsLong())
                .description("SIP requests refused by validation before any handler saw them.").register(registry);
        FunctionCounter.builder("patchbay.control.offers.refused", this, m -> m.offersRefused.getAsLong())
                .description("Offered calls refused with 503 because the control-plane's stream was backed up.").register(registry);
        FunctionCounter.builder("patchbay.control.events.dropped", this, m -> m.eventsDropped.getAsLong())
                .description("Call events (not hang-ups) dropped because no control-plane stream had room.").register(registry);
        packetsIn = packets("in");
        packetsOut = packets("out");
        packetsLost = Counter.builder("patchbay.rtp.packets.lost")
                .description("Caller RTP packets lost (RFC 3550 expected minus received), added at call end.").register(registry);
        packetsLate = Counter.builder("patchbay.rtp.packets.late")
                .description("Caller RTP packets too late for playout or duplicated, added at call end.").register(registry);
        framesConcealed = Counter.builder("patchbay.rtp.frames.concealed")
                .description("20 ms frames the jitter buffer concealed for missing audio, added at call end.").register(registry);
        botFramesQueueFull = dropped("to_caller", "queue_full");
        botFramesTrimmed = dropped("to_caller", "backlog_trimmed");
        callerFramesQueueFull = dropped("to_bot", "queue_full");
        jitterDelay = Timer.builder("patchbay.jitter.buffer.delay")
                .description("Each call's jitter-buffer playout delay target when it ended.")
                .serviceLevelObjectives(ms(20), ms(40), ms(60), ms(80), ms(100), ms(150), ms(200), ms(300), ms(500))
                .register(registry);
        setupIn = setup("in");
        setupOut = setup("out");
        botsAttached = Counter.builder("patchbay.bot.streams.attached")
                .description("Bot audio streams attached to calls.").register(registry);
        for (String why : List.of("call_ended", "lost", "left")) {
            detached(why); // present at 0 from the start, like every series a dashboard plots
        }
        invite(inviteIn, "in", 200);
        invite(inviteOut, "out", 200);
        Gauge.builder("patchbay.bot.streams.active", this, m -> botsAttached.count() - m.botsDetached.get())
                .description("Bot audio streams attached now.").register(registry);
    }

    /**
     * The Control streams' overload counters: offers refused with 503 because the replica's stream was
     * backed up, and call events dropped because no stream had room (hang-ups are kept, never dropped).
     */
    public void controlStreams(LongSupplier offersRefused, LongSupplier eventsDropped) {
        this.offersRefused = offersRefused;
        this.eventsDropped = eventsDropped;
    }

    private Counter packets(String direction) {
        return Counter.builder("patchbay.rtp.packets").tag("direction", direction)
                .description("RTP packets received from (in) and sent to (out) callers, added at call end.").register(registry);
    }

    private Counter dropped(String direction, String reason) {
        return Counter.builder("patchbay.audio.frames.dropped").tag("direction", direction).tag("reason", reason)
                .description("20 ms frames dropped on the way to the caller (bot audio) or to the bot (caller audio):"
                        + " at a full queue, or trimmed from a standing backlog; added at call end.").register(registry);
    }

    private Timer setup(String direction) {
        return Timer.builder("patchbay.call.setup").tag("direction", direction)
                .description("From the INVITE (received, or sent when outbound) to the call's answer.")
                .serviceLevelObjectives(ms(50), ms(100), ms(250), ms(500), ms(1000), ms(2000), ms(5000), ms(10000), ms(30000))
                .register(registry);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** The final status we sent to an initial INVITE (SipServer's sink). */
    public void inviteResponse(int status) {
        invite(inviteIn, "in", status).increment();
    }

    private Counter invite(AtomicReferenceArray<Counter> byStatus, String direction, int status) {
        int slot = Math.clamp(status, FIRST_STATUS, LAST_STATUS) - FIRST_STATUS;
        Counter counter = byStatus.get(slot);
        if (counter == null) {
            counter = Counter.builder("patchbay.sip.invite.responses").tag("direction", direction)
                    .tag("status", Integer.toString(slot + FIRST_STATUS))
                    .description("Final responses to initial INVITEs: sent (in) or received (out).").register(registry);
            byStatus.set(slot, counter); // a race registers the same meter twice: the registry returns one
        }
        return counter;
    }

    @Override
    public void answered(long setupNanos, boolean outbound) {
        (outbound ? setupOut : setupIn).record(setupNanos, TimeUnit.NANOSECONDS);
        if (outbound) {
            invite(inviteOut, "out", 200).increment();
        }
    }

    @Override
    public void ended(HangupCause cause, boolean outbound, int inviteStatus, MediaStats stats, int jitterDelayMs) {
        if (outbound && inviteStatus >= FIRST_STATUS) {
            invite(inviteOut, "out", inviteStatus).increment();
        }
        if (stats == MediaStats.NONE) {
            return;
        }
        packetsIn.increment(stats.packetsReceived());
        packetsOut.increment(stats.packetsSent());
        packetsLost.increment(Math.max(0, stats.packetsLost()));
        packetsLate.increment(stats.packetsLateOrDuplicate());
        framesConcealed.increment(stats.framesConcealed());
        botFramesQueueFull.increment(stats.framesOverflowed());
        botFramesTrimmed.increment(stats.framesTrimmed());
        callerFramesQueueFull.increment(stats.uplinkFramesDropped());
        if (stats.packetsReceived() > 0) {
            jitterDelay.record(jitterDelayMs, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void botAttached() {
        botsAttached.increment();
    }

    @Override
    public void botDetached(String why) {
        botsDetached.incrementAndGet();
        detached(why).increment();
    }

    private Counter detached(String why) {
        return Counter.builder("patchbay.bot.streams.detached").tag("reason", why)
                .description("Bot audio streams that left their call: call_ended, lost (stream broke) or left.")
                .register(registry);
    }
}
