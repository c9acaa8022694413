package dev.patchbay.control.delivery;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * Finds the HMAC secret for a key id. Rows and bots store only the id, so a secret can rotate
 * without touching them. The config-backed set reads {@code patchbay.control.outbound.signing-keys}.
 */
@FunctionalInterface
public interface SigningKeys {

    /** The config key under which secrets are listed, for error messages. */
    String CONFIG_KEY = "patchbay.control.outbound.signing-keys";

    Optional<WebhookSigner> signer(String keyId);

    /** Keys from config; blank secrets count as absent. */
    static SigningKeys fromConfig(Config root) {
        Map<String, String> raw = root.get(CONFIG_KEY).asNode().get().detach().asMap().get();
        Map<String, WebhookSigner> keys = new HashMap<>();
        raw.forEach((id, secret) -> {
            if (secret != null && !secret.isBlank()) {
                keys.put(id, WebhookSigner.of(secret));
            }
        });
        return of(keys);
    }

    static SigningKeys of(Map<String, WebhookSigner> keys) {
        Map<String, WebhookSigner> copy = Map.copyOf(keys);
        return id -> Optional.ofNullable(copy.get(id));
    }

    /** The remedy to print when {@code keyId} is unknown. */
    static String missing(String keyId) {
        return "no webhook signing key '" + keyId + "': set " + CONFIG_KEY + "." + keyId
                + " (env PATCHBAY_CONTROL_OUTBOUND_SIGNING_DASH_KEYS_" + keyId.toUpperCase().replace("-", "_DASH_") + ")";
    }
}
