package dev.patchbay.control.recording;

import java.time.Duration;
import java.util.Base64;

import dev.patchbay.schema.SecretBox;
import io.helidon.config.Config;

/**
 * {@code patchbay.recordings.*}: how recording URLs are signed and how long recordings are kept.
 * Defaults live only in application.yaml.
 *
 * @param signingKey    the HMAC-SHA256 key of recording URLs
 * @param linkTtl       how long a shown recording_url works
 * @param publicUrl     how clients reach the control-plane; empty = the server's own address
 * @param retention     how long after its call ended a recording is deleted; zero keeps them forever
 * @param sweepInterval how often each replica runs the retention sweep
 */
public record RecordingsConfig(byte[] signingKey, Duration linkTtl, String publicUrl, Duration retention,
                               Duration sweepInterval) {

    public RecordingsConfig {
        if (signingKey.length < 32) {
            throw new IllegalArgumentException("patchbay.recordings.signing-key must be at least 32 bytes of base64 "
                    + "(openssl rand -base64 32), or empty to derive it from patchbay.secrets.key");
        }
        if (linkTtl.isNegative() || linkTtl.isZero() || retention.isNegative() || !sweepInterval.isPositive()) {
            throw new IllegalArgumentException("patchbay.recordings.link-ttl and .sweep-interval must be positive and "
                    + ".retention zero or positive");
        }
        signingKey = signingKey.clone();
    }

    public static RecordingsConfig from(Config root, SecretBox secrets) {
        Config p = root.get("patchbay.recordings");
        String key = p.get("signing-key").asString().get().strip();
        byte[] bytes;
        if (key.isEmpty()) {
            bytes = secrets.derive("recording-links");
        } else {
            try {
                bytes = Base64.getDecoder().decode(key);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("patchbay.recordings.signing-key is not base64; "
                        + "set it to the output of openssl rand -base64 32", e);
            }
        }
        return new RecordingsConfig(bytes, p.get("link-ttl").as(Duration.class).get(),
                p.get("public-url").asString().get().strip(), p.get("retention").as(Duration.class).get(),
                p.get("sweep-interval").as(Duration.class).get());
    }

    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }

    /** Whether recordings are ever deleted by age. */
    public boolean expires() {
        return !retention.isZero();
    }
}
