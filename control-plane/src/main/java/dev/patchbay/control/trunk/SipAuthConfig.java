package dev.patchbay.control.trunk;

import java.time.Duration;

import dev.patchbay.control.delivery.ConfigDurations;
import io.helidon.config.Config;

/**
 * {@code patchbay.control.sip-auth.*}, the digest challenge for inbound trunks; defaults live in application.yaml.
 *
 * @param realm    the realm callers compute their response for; the same on every replica
 * @param nonceTtl how long a challenge's nonce is accepted; an older one gets a fresh 401 with stale=true
 */
public record SipAuthConfig(String realm, Duration nonceTtl) {

    public static SipAuthConfig from(Config root) {
        String realm = root.get("patchbay.control.sip-auth.realm").asString().orElse("patchbay").strip();
        if (realm.isEmpty() || realm.contains("\"") || realm.contains("\\")) {
            throw new IllegalStateException("patchbay.control.sip-auth.realm must be non-empty text without quotes or"
                    + " backslashes, e.g. patchbay");
        }
        return new SipAuthConfig(realm, ConfigDurations.get(root, "patchbay.control.sip-auth.nonce-ttl", Duration.ofMinutes(5)));
    }
}
