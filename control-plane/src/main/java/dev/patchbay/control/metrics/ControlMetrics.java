package dev.patchbay.control.metrics;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The control-plane's own meters, counted where the work happens: outbox deliveries and bot
 * answer webhooks by outcome, WSS bridge sessions by dialect. Labels come from small fixed sets
 * (event kinds, dialects, outcomes), never from URLs or ids. Depends on no other control package.
 */
public final class ControlMetrics {

    private final MeterRegistry registry;
    private final AtomicLong wssActive = new AtomicLong();
    private final Counter wssDroppedAtFullBatch;

    public ControlMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("patchbay.wss.bridge.sessions.active", wssActive, AtomicLong::get)
                .description("WSS bot bridge sessions open on this replica.").register(registry);
        // Every series a dashboard plots exists from the start, at 0, not only after its first event.
        for (String outcome : new String[] {"delivered", "retry", "failed"}) {
            outbox(outcome);
        }
        for (String outcome : new String[] {"stream", "grpc", "reject", "timeout"}) {
            webhook(outcome);
        }
        for (String dialect : new String[] {"twilio", "jambonz", "plivo"}) {
            opened(dialect);
            ended(dialect);
        }
        wssDroppedAtFullBatch = Counter.builder("patchbay.wss.bridge.bot.frames.dropped").tag("cause", "full-batch")
                .description("Bot frames the WSS bridges dropped because the batch to a media node was full "
                        + "(the node's stream not ready; patchbay.control.bridge.mux-batch-bytes).").register(registry);
    }

    private Counter outbox(String outcome) {
        return Counter.builder("patchbay.outbox.deliveries").tag("outcome", outcome)
                .description("Outbox (webhook) delivery attempts by outcome.").register(registry);
    }

    private Counter webhook(String outcome) {
        return Counter.builder("patchbay.bot.webhook.requests").tag("outcome", outcome)
                .description("Bot answer webhooks by outcome.").register(registry);
    }

    private Counter opened(String dialect) {
        return Counter.builder("patchbay.wss.bridge.sessions").tag("dialect", dialect)
                .description("WSS bot bridge sessions started, by dialect.").register(registry);
    }

    private Counter ended(String dialect) {
        return Counter.builder("patchbay.wss.bridge.sessions.ended").tag("dialect", dialect)
                .description("WSS bot bridge sessions ended, by dialect.").register(registry);
    }

    /** Meters that go nowhere: for components built without a process around them (tests). */
    public static ControlMetrics none() {
        return new ControlMetrics(new SimpleMeterRegistry());
    }

    /**
     * One outbox delivery attempt (hang-up callbacks, subscription events, integration notices).
     *
     * @param outcome {@code delivered}, {@code retry} or {@code failed} (given up)
     */
    public void outboxAttempt(String outcome) {
        outbox(outcome).increment();
    }

    /**
     * One bot answer webhook, asked when a call is offered.
     *
     * @param outcome {@code stream}, {@code grpc}, {@code reject} or {@code timeout}
     */
    public void botWebhook(String outcome) {
        webhook(outcome).increment();
    }

    /** A WSS bridge to a bot began (connecting, or holding a handed-back call). */
    public void wssOpened(String dialect) {
        wssActive.incrementAndGet();
        opened(dialect).increment();
    }

    /** A bot frame a bridge mux dropped because its batch to the media node was full. */
    public void wssDroppedAtFullBatch() {
        wssDroppedAtFullBatch.increment();
    }

    /** A WSS bridge ended, for whatever reason; once per {@link #wssOpened}. */
    public void wssEnded(String dialect) {
        wssActive.decrementAndGet();
        ended(dialect).increment();
    }
}
