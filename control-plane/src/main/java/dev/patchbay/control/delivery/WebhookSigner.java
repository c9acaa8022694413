package dev.patchbay.control.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs outgoing webhooks: {@code X-Patchbay-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))}
 * with {@code X-Patchbay-Timestamp} in unix seconds. Signing the timestamp lets a receiver refuse
 * replays older than its tolerance window; the scheme is Stripe's, so receivers know it.
 */
public final class WebhookSigner {

    public static final String TIMESTAMP_HEADER = "X-Patchbay-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Patchbay-Signature";
    public static final String DELIVERY_ID_HEADER = "X-Patchbay-Delivery-Id";
    /** How far a receiver should accept a timestamp from its own clock. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] secret;

    public WebhookSigner(byte[] secret) {
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("a webhook signing secret must not be empty");
        }
        this.secret = secret.clone();
    }

    public static WebhookSigner of(String secret) {
        return new WebhookSigner(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** The hex HMAC of {@code timestamp + "." + body}. */
    public String signature(long unixSeconds, String body) {
        return hmac(secret, unixSeconds + "." + body);
    }

    /** The two headers to add to a request carrying {@code body}, signed at {@code now}. */
    public Map<String, String> headers(Instant now, String body) {
        long ts = now.getEpochSecond();
        Map<String, String> h = new LinkedHashMap<>();
        h.put(TIMESTAMP_HEADER, Long.toString(ts));
        h.put(SIGNATURE_HEADER, "v1=" + signature(ts, body));
        return h;
    }

    /**
     * For receivers and tests: true when one of the {@code v1=} values in {@code signatureHeader}
     * matches and the timestamp is within {@code tolerance} of {@code now}. Compares in constant time.
     */
    public static boolean verify(byte[] secret, String timestampHeader, String signatureHeader, String body,
                                 Instant now, Duration tolerance) {
        if (timestampHeader == null || signatureHeader == null || body == null) {
            return false;
        }
        long ts;
        try {
            ts = Long.parseLong(timestampHeader.strip());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - ts) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = hmac(secret, ts + "." + body).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        // Several v1 values allow a key rotation: the sender may sign with the old and the new key.
        for (String part : signatureHeader.split(",")) {
            String p = part.strip();
            if (p.startsWith("v1=")) {
                match |= MessageDigest.isEqual(expected, p.substring(3).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return match;
    }

    /** The hex HMAC-SHA256 of {@code message}. */
    public static String hmac(byte[] secret, String message) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return HEX.formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JDK", e);
        }
    }
}
