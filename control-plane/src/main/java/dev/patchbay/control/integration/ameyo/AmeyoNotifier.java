package dev.patchbay.control.integration.ameyo;

import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.delivery.Outbox;
import dev.patchbay.control.delivery.OutboxWorker;
import dev.patchbay.control.model.AmeyoTag;
import dev.patchbay.control.model.CallRecord;
import io.helidon.dbclient.DbExecute;

/**
 * Ameyo's transfer notification (seed 000): {@code POST sendAgentResponseForCallNotification} with the
 * CRT id, which makes the Ameyo PBX send the BYE and route the customer to an agent. It goes through the
 * outbox, so it is retried on 5xx and timeouts and survives a restart; the configured Authorization and
 * Host headers are added at each attempt by {@link AmeyoHeaders}, so the token never sits in the outbox.
 */
public final class AmeyoNotifier {

    public static final String KIND = "ameyo_notification";
    private static final Logger LOG = Logger.getLogger(AmeyoNotifier.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AmeyoIntegration integrations;
    private final Outbox outbox;
    private final OutboxWorker worker;

    public AmeyoNotifier(AmeyoIntegration integrations, Outbox outbox, OutboxWorker worker) {
        this.integrations = integrations;
        this.outbox = outbox;
        this.worker = worker;
    }

    /**
     * Queues the notification for {@code call} through {@code tx}, so that the row commits with the BYE timer's;
     * returns the outbox row id. Call {@link #wake()} after the commit.
     *
     * @param botPropertiesJson the bot's agent_response properties, laid over the configured ones; null for none
     * @throws IllegalStateException when the workspace no longer has an Ameyo integration
     */
    String notify(DbExecute tx, CallRecord call, AmeyoTag tag, String botPropertiesJson) {
        AmeyoIntegration.Settings config = integrations.settings(call.workspaceId()).orElseThrow(() -> new IllegalStateException(
                "workspace " + call.workspaceId() + " has no Ameyo integration any more; the notification for call "
                        + call.id() + " cannot be sent"));
        return outbox.enqueue(tx, new Outbox.Message(call.workspaceId(), call.id(), KIND, config.notificationUrl(),
                body(config, tag.crt(), botPropertiesJson), call.workspaceId()));
    }

    /** Delivers what was queued now rather than at the next poll. */
    void wake() {
        worker.wake();
    }

    /** The body exactly as seed 000 shows it; the bot's properties win over configured ones of the same name. */
    static String body(AmeyoIntegration.Settings config, String crt, String botPropertiesJson) {
        ObjectNode o = JSON.createObjectNode()
                .put("notificationId", config.notificationId())
                .put("uniqueId", crt)
                .put("callResponse", true)
                .put("sessionId", "na");
        ObjectNode properties = o.putObject("properties");
        properties.setAll(object(config.propertiesJson()));
        properties.setAll(object(botPropertiesJson));
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode object(String json) {
        if (json == null || json.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(json);
            return n instanceof ObjectNode obj ? obj : JSON.createObjectNode();
        } catch (JsonProcessingException e) {
            LOG.warning(() -> "Ameyo properties are not a JSON object; left out: " + e.getOriginalMessage());
            return JSON.createObjectNode();
        }
    }
}
