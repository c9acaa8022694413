package dev.patchbay.agents.webhooks;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.control.delivery.Outbox;
import dev.patchbay.control.delivery.OutboxWorker;
import dev.patchbay.control.delivery.WebhookSigner;
import dev.patchbay.schema.SecretBox;

/**
 * Queues seed 003's events for every subscription of the session that asked for them, and for a
 * call's own {@code webhook_url}, through the outbox (durable, retried, SSRF-checked). The body is
 * the seed's {@code {event, timestamp, data, signature}}: {@code signature} is the hex HMAC-SHA256
 * of the body without it, under the subscription's secret; the outbox adds the timestamped
 * {@code X-Patchbay-Signature} header, which also covers replay.
 */
public final class AgentEvents {

    public static final Set<String> EVENTS = Set.of("call.initiated", "call.ringing", "call.answered", "call.completed",
            "call.failed", "transcription.updated", "balance.low");

    private static final Logger LOG = Logger.getLogger(AgentEvents.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentWebhookStore store;
    private final Outbox outbox;
    private final OutboxWorker worker;
    private final SecretBox secrets;
    private final Clock clock;

    public AgentEvents(AgentWebhookStore store, Outbox outbox, OutboxWorker worker, SecretBox secrets, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.worker = worker;
        this.secrets = secrets;
        this.clock = clock;
    }

    public AgentWebhookStore store() {
        return store;
    }

    /**
     * Queues {@code event}. {@code callWebhookUrl} (may be null) is the call's own URL, signed with
     * the workspace's key like every other Patchbay callback.
     */
    public void emit(AgentSession session, String callId, String event, ObjectNode data, String callWebhookUrl) {
        try {
            for (Outbox.Message m : messages(store.forEvent(session.id(), event), session, callId, event, data, callWebhookUrl)) {
                outbox.enqueue(m);
            }
            wake();
        } catch (RuntimeException e) {
            // The call's state is stored either way; a lost event is logged loudly rather than failing the flow.
            LOG.severe(() -> "session " + session.id() + ": cannot queue " + event + ": " + e.getMessage());
        }
    }

    /**
     * The same inside {@code tx}, e.g. the transaction that records the call, so the event exists
     * exactly when what it reports does; call {@link #wake()} after the commit.
     */
    public void emit(io.helidon.dbclient.DbExecute tx, AgentSession session, String callId, String event, ObjectNode data,
                     String callWebhookUrl) {
        for (Outbox.Message m : messages(store.forEvent(tx, session.id(), event), session, callId, event, data, callWebhookUrl)) {
            outbox.enqueue(tx, m);
        }
    }

    /** Has the outbox deliver what was queued without waiting for its next poll. */
    public void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    private List<Outbox.Message> messages(List<AgentWebhookStore.Subscription> subscriptions, AgentSession session,
                                          String callId, String event, ObjectNode data, String callWebhookUrl) {
        List<Outbox.Message> out = new java.util.ArrayList<>();
        for (AgentWebhookStore.Subscription s : subscriptions) {
            out.add(new Outbox.Message(session.workspaceId(), callId, "agent_webhook", s.url(),
                    body(event, data, secrets.open(s.secretEnc())), AgentWebhookKeys.PREFIX + s.id()));
        }
        if (callWebhookUrl != null) {
            out.add(new Outbox.Message(session.workspaceId(), callId, "agent_webhook", callWebhookUrl,
                    body(event, data, null), session.workspaceId()));
        }
        return out;
    }

    /** The seed's payload; the in-body signature covers the payload without the signature field. */
    String body(String event, ObjectNode data, String secret) {
        ObjectNode o = JSON.createObjectNode().put("event", event).put("timestamp", clock.instant().toString());
        o.set("data", data);
        try {
            if (secret != null) {
                o.put("signature", "sha256=" + WebhookSigner.hmac(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        JSON.writeValueAsString(o)));
            }
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> unknown(List<String> events) {
        return events.stream().filter(e -> !EVENTS.contains(e)).toList();
    }
}
