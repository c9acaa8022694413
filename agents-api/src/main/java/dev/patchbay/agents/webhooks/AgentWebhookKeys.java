package dev.patchbay.agents.webhooks;

import java.util.Optional;

import dev.patchbay.control.delivery.SigningKeys;
import dev.patchbay.control.delivery.WebhookSigner;
import dev.patchbay.schema.SecretBox;

/**
 * Signing keys for outbox rows: a subscription's own secret for rows queued for it (key id
 * {@code agentwh:<id>}), otherwise the workspace's key. The secret is read at delivery, so a
 * deleted subscription's pending rows fail rather than being signed with another key.
 */
public final class AgentWebhookKeys implements SigningKeys {

    static final String PREFIX = "agentwh:";

    private final SigningKeys workspaces;
    private final AgentWebhookStore store;
    private final SecretBox secrets;

    public AgentWebhookKeys(SigningKeys workspaces, AgentWebhookStore store, SecretBox secrets) {
        this.workspaces = workspaces;
        this.store = store;
        this.secrets = secrets;
    }

    @Override
    public Optional<WebhookSigner> signer(String keyId) {
        if (!keyId.startsWith(PREFIX)) {
            return workspaces.signer(keyId);
        }
        return store.find(keyId.substring(PREFIX.length())).map(s -> WebhookSigner.of(secrets.open(s.secretEnc())));
    }
}
