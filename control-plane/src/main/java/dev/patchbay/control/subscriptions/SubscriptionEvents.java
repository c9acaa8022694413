package dev.patchbay.control.subscriptions;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.call.CallObserver;
import dev.patchbay.control.delivery.Outbox;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.proto.media.v1.RtpStats;

/**
 * Queues a workspace's call events for its webhook subscriptions through the outbox (durable,
 * retried, SSRF-checked at delivery), one row per subscription, signed with its own secret via
 * {@link SubscriptionKeys}. The row's kind is the event name, so it arrives as
 * {@code X-Patchbay-Event}. {@code call.completed} is an end with status completed;
 * {@code call.failed} every other end (busy, no-answer, failed, canceled, rejected).
 */
public final class SubscriptionEvents implements CallObserver {

    public static final String RINGING = "call.ringing";
    public static final String ANSWERED = "call.answered";
    public static final String COMPLETED = "call.completed";
    public static final String FAILED = "call.failed";

    private static final Logger LOG = Logger.getLogger(SubscriptionEvents.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SubscriptionStore store;
    private final Outbox outbox;
    private final Runnable wake;
    private final Clock clock;

    /** @param wake has the outbox worker deliver at once rather than at its next poll */
    public SubscriptionEvents(SubscriptionStore store, Outbox outbox, Runnable wake, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.wake = wake;
        this.clock = clock;
    }

    @Override
    public void ringing(CallRecord call) {
        emit(call, RINGING);
    }

    @Override
    public void answered(CallRecord call) {
        emit(call, ANSWERED);
    }

    @Override
    public void ended(CallRecord call, RtpStats stats) {
        emit(call, call.status() == CallStatus.COMPLETED ? COMPLETED : FAILED);
    }

    private void emit(CallRecord call, String event) {
        var subscriptions = store.forEvent(call.workspaceId(), event);
        if (subscriptions.isEmpty()) {
            return;
        }
        String body = body(call, event);
        for (SubscriptionStore.Subscription s : subscriptions) {
            try {
                outbox.enqueue(new Outbox.Message(call.workspaceId(), call.id(), event, s.url(), body,
                        SubscriptionKeys.keyId(s.id())));
            } catch (RuntimeException e) {
                // One unusable URL must not cost the other subscriptions their event.
                LOG.warning(() -> "call " + call.id() + ": " + event + " not queued for subscription " + s.id() + ": "
                        + e.getMessage());
            }
        }
        wake.run();
    }

    String body(CallRecord call, String event) {
        ObjectNode o = JSON.createObjectNode().put("event", event).put("timestamp", clock.instant().toString());
        ObjectNode d = o.putObject("data").put("call_id", call.id()).put("workspace_id", call.workspaceId())
                .put("bot_id", call.botId()).put("direction", call.direction().name().toLowerCase(Locale.ROOT))
                .put("from", call.from()).put("to", call.to()).put("status", call.status().wire())
                .put("created_at", text(call.createdAt())).put("answered_at", text(call.answeredAt()))
                .put("ended_at", text(call.endedAt()));
        if (call.status().terminal()) {
            d.put("duration", call.durationSeconds()).put("hangup_cause", call.hangupCause())
                    .put("sip_status", call.sipStatus()).put("reason", call.reason());
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
