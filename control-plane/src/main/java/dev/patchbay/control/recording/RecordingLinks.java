package dev.patchbay.control.recording;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring recording URLs: {@code <base>/recordings/<call id>.wav?workspace=&expires=&signature=},
 * the signature an HMAC-SHA256 over (workspace, call id, expiry). The URL alone is the credential, as
 * with S3's pre-signed URLs, so a player or a bot platform fetches it without an API key.
 */
public final class RecordingLinks {

    public static final String PATH = "/recordings";

    /** What {@link #check} found. */
    public sealed interface Verdict permits Valid, Forged, Expired { }

    public record Valid() implements Verdict { }

    public record Forged(String why) implements Verdict { }

    public record Expired(Instant at) implements Verdict { }

    private final byte[] key;
    private final Duration ttl;
    private final Supplier<String> base;
    private final Clock clock;

    /** {@code base}: scheme, host and port clients reach this control-plane at, without a trailing slash. */
    public RecordingLinks(byte[] key, Duration ttl, Supplier<String> base, Clock clock) {
        this.key = key.clone();
        this.ttl = ttl;
        this.base = base;
        this.clock = clock;
    }

    /** The URL of a recorded call's file, valid for the configured time from now. */
    public String url(String workspaceId, String callId) {
        long expires = clock.instant().plus(ttl).getEpochSecond();
        return base.get() + PATH + "/" + callId + ".wav?workspace=" + URLEncoder.encode(workspaceId, StandardCharsets.UTF_8)
                + "&expires=" + expires + "&signature=" + sign(workspaceId, callId, expires);
    }

    /** The recording URL to show for a call, or null when it has no recording (or no workspace). */
    public String urlOrNull(String workspaceId, String callId, String recording) {
        return recording == null || workspaceId == null ? null : url(workspaceId, callId);
    }

    /** Checks the signature first (so a tampered expiry is a forgery, not an expiry), then the time. */
    public Verdict check(String workspaceId, String callId, String expires, String signature) {
        if (workspaceId == null || expires == null || signature == null) {
            return new Forged("the URL lacks workspace, expires or signature; use the recording_url exactly as given");
        }
        long at;
        try {
            at = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return new Forged("expires is not a number of seconds");
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return new Forged("signature is not base64url");
        }
        if (!MessageDigest.isEqual(given, mac(workspaceId, callId, at))) {
            return new Forged("the signature does not match this URL; use the recording_url exactly as given");
        }
        Instant expiry = Instant.ofEpochSecond(at);
        return clock.instant().isAfter(expiry) ? new Expired(expiry) : new Valid();
    }

    String sign(String workspaceId, String callId, long expires) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(workspaceId, callId, expires));
    }

    private byte[] mac(String workspaceId, String callId, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            // Newline-separated: no field can hold one (ids are [A-Za-z0-9_-]), so no two triples sign alike.
            return mac.doFinal(("recording\n" + workspaceId + "\n" + callId + "\n" + expires).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }
}
