package dev.patchbay.admin.subscription;

import java.time.Instant;
import java.util.List;

/**
 * A webhook subscription as stored: {@code secretEnc} is SecretBox ciphertext and never leaves the API.
 *
 * @param events the subscribed events, in {@link WebhookFields#EVENTS} order
 */
public record WebhookSubscription(String id, String workspaceId, String url, List<String> events, String secretEnc, boolean enabled,
                      Instant createdAt, Instant updatedAt) {

    public WebhookSubscription {
        events = List.copyOf(events);
    }

    @Override
    public String toString() {
        return "WebhookSubscription[id=" + id + ", workspaceId=" + workspaceId + ", url=" + url + ", events=" + events + ", enabled="
                + enabled + "]";
    }
}
