package dev.patchbay.admin.webhook;

import java.time.Instant;
import java.util.List;

/**
 * A webhook subscription as stored: {@code secretEnc} is SecretBox ciphertext and never leaves the API.
 *
 * @param events the subscribed events, in {@link WebhookFields#EVENTS} order
 */
public record Webhook(String id, String workspaceId, String url, List<String> events, String secretEnc, boolean enabled,
                      Instant createdAt, Instant updatedAt) {

    public Webhook {
        events = List.copyOf(events);
    }

    @Override
    public String toString() {
        return "Webhook[id=" + id + ", workspaceId=" + workspaceId + ", url=" + url + ", events=" + events + ", enabled="
                + enabled + "]";
    }
}
