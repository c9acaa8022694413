package dev.patchbay.control.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import dev.patchbay.control.store.Tenants;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * Authenticates the provider API per workspace. A key is {@code <id>.<secret>}; it is accepted as
 * {@code Authorization: Bearer <id>.<secret>} or, as Twilio and Plivo clients send credentials,
 * as HTTP Basic with the id as user name and the secret as password. It runs before routing, so
 * an unknown {@code /v1} path answers 401 rather than revealing which paths exist.
 */
public final class ApiKeyAuth implements Filter {

    /** Who is calling: set in the request context for the handlers. */
    public record Caller(String workspaceId, String keyId) { }

    private static final String CHALLENGE = "Bearer realm=\"patchbay\", Basic realm=\"patchbay\"";

    private final Tenants tenants;

    public ApiKeyAuth(Tenants tenants) {
        this.tenants = tenants;
    }

    /** The authenticated caller of a {@code /v1} request. */
    public static Caller caller(ServerRequest req) {
        return req.context().get(Caller.class).orElseThrow(() -> new IllegalStateException("ApiKeyAuth did not run"));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (path.equals("/v1") || path.startsWith("/v1/")) {
            req.context().register(authenticate(req.headers().first(HeaderNames.AUTHORIZATION)));
        }
        chain.proceed();
    }

    private Caller authenticate(Optional<String> header) {
        String how = "send Authorization: Bearer <key id>.<secret>, or Basic with the key id and secret";
        if (header.isEmpty()) {
            throw unauthorized("the request has no Authorization header; " + how);
        }
        String value = header.get().strip();
        String id;
        String secret;
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = value.substring(7).strip();
            int dot = token.indexOf('.');
            id = dot < 0 ? token : token.substring(0, dot);
            secret = dot < 0 ? "" : token.substring(dot + 1);
        } else if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw unauthorized("the Basic credential is not base64; " + how);
            }
            int colon = pair.indexOf(':');
            id = colon < 0 ? pair : pair.substring(0, colon);
            secret = colon < 0 ? "" : pair.substring(colon + 1);
        } else {
            throw unauthorized("the Authorization scheme is neither Bearer nor Basic; " + how);
        }
        Tenants.ApiKey key = verify(id, secret).orElseThrow(() ->
                unauthorized("the API key is not valid or was revoked; create one for the workspace with the admin API"));
        if (!key.workspaceEnabled()) {
            throw ProblemException.of(403, "workspace " + key.workspaceId() + " is disabled; an operator can enable it"
                    + " with the admin API");
        }
        return new Caller(key.workspaceId(), key.id());
    }

    /**
     * The key whose id and secret these are, if it exists and is not revoked; the workspace may be
     * disabled, which the caller checks. Shared by every API that takes workspace keys.
     */
    public Optional<Tenants.ApiKey> verify(String id, String secret) {
        Tenants.ApiKey key = id == null || id.isEmpty() ? null : tenants.apiKey(id).orElse(null);
        // Hash even for an unknown id, so timing does not tell which key ids exist.
        byte[] given = sha256(secret == null ? "" : secret);
        byte[] stored = key == null ? new byte[32] : HexFormat.of().parseHex(key.secretSha256());
        return key != null && MessageDigest.isEqual(given, stored) ? Optional.of(key) : Optional.empty();
    }

    public boolean workspaceEnabled(String workspaceId) {
        return tenants.workspaceEnabled(workspaceId);
    }

    /** The stored form of a key's secret. */
    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static ProblemException unauthorized(String detail) {
        return ProblemException.of(401, detail, new FieldError("Authorization", detail))
                .withHeader(HeaderNames.WWW_AUTHENTICATE.defaultCase(), CHALLENGE);
    }
}
