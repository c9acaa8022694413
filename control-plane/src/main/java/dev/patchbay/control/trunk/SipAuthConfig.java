package dev.patchbay.control.trunk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.patchbay.control.delivery.ConfigDurations;
import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * {@code patchbay.control.sip-auth.*}, the digest challenge for inbound trunks; defaults live only in application.yaml.
 *
 * @param realm    the realm callers compute their response for; the same on every replica
 * @param nonceTtl how long a challenge's nonce is accepted; an older one gets a fresh 401 with stale=true
 * @param algorithms the challenges a 401 carries, in this order, and the only answers accepted. RFC 8760 puts the
 *                   preferred (SHA-256) first; some clients (SIPp 3.6) read only the first challenge, so the order
 *                   is configurable
 */
public record SipAuthConfig(String realm, Duration nonceTtl, List<SipDigest.Algorithm> algorithms) {

    public SipAuthConfig {
        algorithms = List.copyOf(algorithms);
    }

    /** The shipped application.yaml alone, without environment or system properties. */
    public static SipAuthConfig defaults() {
        return from(ShippedDefaults.root(SipAuthConfig.class));
    }

    /** Reads every setting; defaults live only in application.yaml. */
    public static SipAuthConfig from(Config root) {
        String realm = root.get("patchbay.control.sip-auth.realm").asString().get().strip();
        if (realm.isEmpty() || realm.contains("\"") || realm.contains("\\")) {
            throw new IllegalStateException("patchbay.control.sip-auth.realm must be non-empty text without quotes or"
                    + " backslashes, e.g. patchbay");
        }
        String names = root.get("patchbay.control.sip-auth.algorithms").asString().get();
        List<SipDigest.Algorithm> algorithms = new ArrayList<>();
        for (String name : names.split(",")) {
            SipDigest.Algorithm a = SipDigest.Algorithm.fromWire(name.strip())
                    .orElseThrow(() -> new IllegalStateException("patchbay.control.sip-auth.algorithms has '" + name.strip()
                            + "'; list SHA-256 and/or MD5, e.g. SHA-256,MD5"));
            if (!algorithms.contains(a)) {
                algorithms.add(a);
            }
        }
        return new SipAuthConfig(realm, ConfigDurations.require(root, "patchbay.control.sip-auth.nonce-ttl"),
                algorithms);
    }

    public SipAuthConfig withRealm(String realm) {
        return new SipAuthConfig(realm, nonceTtl, algorithms);
    }

    public SipAuthConfig withNonceTtl(Duration nonceTtl) {
        return new SipAuthConfig(realm, nonceTtl, algorithms);
    }

    public SipAuthConfig withAlgorithms(List<SipDigest.Algorithm> algorithms) {
        return new SipAuthConfig(realm, nonceTtl, algorithms);
    }
}
