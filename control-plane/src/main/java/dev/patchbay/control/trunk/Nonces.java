package dev.patchbay.control.trunk;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless digest nonces: the issue time and an HMAC of it. Any control-plane replica sharing the
 * key can check a nonce another one issued (the retried INVITE may reach a different replica), and
 * nothing is stored per challenge.
 */
public final class Nonces {

    /** What a nonce presented in an Authorization header turned out to be. */
    public enum Check { FRESH, STALE, FORGED }

    private static final int MAC_BYTES = 16;

    private final SecretKeySpec key;
    private final Duration ttl;
    private final Clock clock;

    public Nonces(byte[] key, Duration ttl, Clock clock) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.ttl = ttl;
        this.clock = clock;
    }

    public String issue() {
        ByteBuffer b = ByteBuffer.allocate(8 + MAC_BYTES);
        long now = clock.millis();
        b.putLong(now).put(mac(now));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    public Check check(String nonce) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return Check.FORGED;
        }
        if (raw.length != 8 + MAC_BYTES) {
            return Check.FORGED;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        long issued = b.getLong();
        if (!MessageDigest.isEqual(mac(issued), Arrays.copyOfRange(raw, 8, raw.length))) {
            return Check.FORGED;
        }
        long age = clock.millis() - issued;
        // A little slack for replicas whose clocks disagree.
        return age < -5_000 || age > ttl.toMillis() ? Check.STALE : Check.FRESH;
    }

    private byte[] mac(long issued) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(ByteBuffer.allocate(8).putLong(issued).array()), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }
}
