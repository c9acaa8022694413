package dev.patchbay.admin.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Strong ETags and {@code If-Match} for updates (RFC 9110 section 13.1.1).
 * The tag is a hash of the resource's JSON representation rather than a version column: it needs
 * no schema change on tables other modules own (trunks, integrations), it changes exactly when
 * what a client can see changes, and a GET and the check before an update compute it the same
 * way. The check runs inside the update's transaction on a row read {@code FOR UPDATE}, so two
 * clients holding the same tag cannot both win.
 */
public final class ETags {

    private ETags() {
    }

    /** The quoted strong tag of a representation. */
    public static String of(JsonNode representation) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(representation.toString().getBytes(StandardCharsets.UTF_8));
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 18)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** 200 with the representation and its ETag: the answer to a GET of one resource. */
    public static void send(ServerResponse res, JsonNode representation) {
        send(res, Status.OK_200, representation);
    }

    public static void send(ServerResponse res, Status status, JsonNode representation) {
        res.header(HeaderNames.ETAG, of(representation));
        ApiJson.send(res, status, representation);
    }

    /** The If-Match header, if the request has one. */
    public static Optional<String> ifMatch(ServerRequest req) {
        return req.headers().first(HeaderNames.IF_MATCH).map(String::strip);
    }

    /**
     * Requires an If-Match that names {@code current}'s tag: 428 without one (the client must read
     * first), 412 when the resource changed since that read.
     */
    public static void require(Optional<String> ifMatch, JsonNode current) {
        String header = ifMatch.orElseThrow(() -> ProblemException.of(428,
                "an update needs If-Match: GET the resource and send its ETag back, so a change made meanwhile"
                        + " is not overwritten", new FieldError("If-Match", "is required")));
        if (!matches(header, of(current))) {
            throw stale();
        }
    }

    /** 412 for an If-Match on a resource that does not exist yet, or whose tag differs. */
    public static ProblemException stale() {
        return ProblemException.of(412, "the resource changed since the ETag in If-Match was read: GET it again,"
                + " reapply the change and retry", new FieldError("If-Match", "does not match the current ETag"));
    }

    static boolean matches(String header, String tag) {
        for (String candidate : header.split(",")) {
            String c = candidate.strip();
            // Strong comparison: a weak tag never matches (RFC 9110 section 13.1.1).
            if (c.equals("*") || c.equals(tag)) {
                return true;
            }
        }
        return false;
    }
}
