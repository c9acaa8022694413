package dev.patchbay.control.subscriptions;

import java.util.Optional;

import dev.patchbay.control.delivery.SigningKeys;
import dev.patchbay.control.delivery.WebhookSigner;
import dev.patchbay.schema.SecretBox;

/**
 * Signing keys for outbox rows queued for a workspace's webhook subscription (key id
 * {@code wsub:<id>}): the subscription's own secret, read at delivery so a PATCHed secret signs
 * the next attempt and a deleted subscription's pending rows fail instead of being signed with
 * another key. Every other key id goes to {@code others}.
 */
public final class SubscriptionKeys implements SigningKeys {

    static final String PREFIX = "wsub:";

    private final SigningKeys others;
    private final SubscriptionStore store;
    private final SecretBox secrets;

    public SubscriptionKeys(SigningKeys others, SubscriptionStore store, SecretBox secrets) {
        this.others = others;
        this.store = store;
        this.secrets = secrets;
    }

    @Override
    public Optional<WebhookSigner> signer(String keyId) {
        if (!keyId.startsWith(PREFIX)) {
            return others.signer(keyId);
        }
        return store.secret(keyId.substring(PREFIX.length())).map(s -> WebhookSigner.of(secrets.open(s)));
    }

    /** The key id of a row queued for subscription {@code id}. */
    public static String keyId(String id) {
        return PREFIX + id;
    }
}
