package dev.patchbay.media.registration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.patchbay.schema.SecretBox;
import io.helidon.config.Config;

/**
 * How this node takes part in trunk registrations ({@code patchbay.registration.*}).
 *
 * @param poll       how often the node renews its leases and looks for registrations without a live holder
 * @param lease      how long a claimed lease lasts unless renewed; a dead holder's registrations are taken
 *                   over within lease + poll
 * @param backoffMin the first retry delay after a failed REGISTER
 * @param backoffMax the cap on the doubled delay
 * @param box        opens the sealed registrar passwords ({@code patchbay.secrets.*}, the admin-api's keys);
 *                   else the key {@code ./patchbay up} shares in {@code <patchbay.var>/secret-key};
 *                   null when there is neither, and then this node holds no registration
 */
public record RegistrationSettings(Duration poll, Duration lease, Duration backoffMin, Duration backoffMax, SecretBox box) {

    /** Reads {@code patchbay.registration.*} and {@code patchbay.secrets.*}. */
    public static RegistrationSettings from(Config patchbay) {
        String key = patchbay.get("secrets.key").asString().get().strip();
        String earlier = patchbay.get("secrets.previous").asString().get();
        List<byte[]> previous = new ArrayList<>();
        for (String old : earlier.split(",")) {
            if (!old.isBlank()) {
                previous.add(decode(old.strip(), "patchbay.secrets.previous"));
            }
        }
        SecretBox box = null;
        Path shared = Path.of(patchbay.get("var").asString().get()).resolve("secret-key");
        if (!key.isEmpty()) {
            box = new SecretBox(decode(key, "patchbay.secrets.key"), previous);
        } else if (Files.isRegularFile(shared)) {
            // './patchbay up': the admin-api, started first, generated the processes' shared key there.
            box = new SecretBox(Base64.getUrlDecoder().decode(read(shared)), previous);
        }
        return new RegistrationSettings(patchbay.get("registration.poll").as(Duration.class).get(),
                patchbay.get("registration.lease").as(Duration.class).get(),
                patchbay.get("registration.backoff.min").as(Duration.class).get(),
                patchbay.get("registration.backoff.max").as(Duration.class).get(), box);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (the local processes' shared key);"
                    + " set patchbay.secrets.key instead", e);
        }
    }

    private static byte[] decode(String base64, String key) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not base64: set it to the admin-api's value"
                    + " (`openssl rand -base64 32` made it)", e);
        }
    }

    /** Whether this node can open registrar passwords and so may hold registrations. */
    public boolean enabled() {
        return box != null;
    }

    public RegistrationSettings {
        if (poll.isNegative() || poll.isZero() || lease.compareTo(poll.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("patchbay.registration.lease (" + lease + ") must be at least twice"
                    + " patchbay.registration.poll (" + poll + "), so one slow renewal does not lose the lease");
        }
        if (backoffMin.isNegative() || backoffMin.isZero() || backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("patchbay.registration.backoff.min (" + backoffMin + ") must be positive"
                    + " and at most patchbay.registration.backoff.max (" + backoffMax + ")");
        }
    }

    public RegistrationSettings withPoll(Duration every, Duration leaseFor) {
        return new RegistrationSettings(every, leaseFor, backoffMin, backoffMax, box);
    }

    public RegistrationSettings withBackoff(Duration min, Duration max) {
        return new RegistrationSettings(poll, lease, min, max, box);
    }

    public RegistrationSettings withBox(SecretBox secrets) {
        return new RegistrationSettings(poll, lease, backoffMin, backoffMax, secrets);
    }
}
