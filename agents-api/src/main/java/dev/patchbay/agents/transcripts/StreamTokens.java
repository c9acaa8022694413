package dev.patchbay.agents.transcripts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived tokens for the transcript stream: {@code <expiry epoch seconds>.<HMAC-SHA256>} over
 * the call id and expiry, keyed by the stored hash of the call's session token. That key is secret
 * (only the hash of a random token, never shown), the same on every replica without any shared
 * process state, and dies with the session: a token is useless once its session is gone.
 */
final class StreamTokens {

    private StreamTokens() {
    }

    static String sign(String callId, String sessionTokenSha256, Instant expires) {
        long exp = expires.getEpochSecond();
        return exp + "." + mac(callId, sessionTokenSha256, exp);
    }

    /** True if {@code token} was signed for this call and session and has not expired at {@code now}. */
    static boolean valid(String token, String callId, String sessionTokenSha256, Instant now) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long exp;
        try {
            exp = Long.parseLong(token.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        if (now.getEpochSecond() >= exp) {
            return false;
        }
        byte[] expected = mac(callId, sessionTokenSha256, exp).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private static String mac(String callId, String key, long exp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            byte[] sig = mac.doFinal(("transcript-stream:" + callId + ":" + exp).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
