package dev.patchbay.admin.auth;

import java.util.Optional;
import java.util.function.Function;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Requires the operator key or a workspace admin key on every {@code /v1} request and records
 * who sent it as the request's {@link Principal}. It runs as a filter, before routing, so an
 * unknown {@code /v1} path answers 401 rather than revealing which paths exist.
 */
public final class BearerAuth implements Filter {

    private static final String CHALLENGE = "Bearer realm=\"patchbay-admin\"";
    private static final String PREFIX = "Bearer ";

    private final OperatorKey key;
    private final Function<String, Optional<Principal>> adminKeys;

    /** @param adminKeys the workspace key a presented token is, if it is a live admin key */
    public BearerAuth(OperatorKey key, Function<String, Optional<Principal>> adminKeys) {
        this.key = key;
        this.adminKeys = adminKeys;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (path.equals("/v1") || path.startsWith("/v1/")) {
            req.context().register(Principal.class, check(req.headers().first(HeaderNames.AUTHORIZATION)));
        }
        chain.proceed();
    }

    private Principal check(Optional<String> header) {
        if (header.isEmpty()) {
            throw unauthorized("the request has no Authorization header; send Authorization: Bearer <key>",
                    CHALLENGE);
        }
        String value = header.get();
        if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw unauthorized("the Authorization header is not a Bearer credential; send Authorization: Bearer <key>",
                    CHALLENGE);
        }
        String token = value.substring(PREFIX.length()).strip();
        if (key.matches(token)) {
            return Principal.OPERATOR;
        }
        return adminKeys.apply(token).orElseThrow(() -> unauthorized("the key is not valid: send the operator key"
                + " (patchbay.admin.key, env PATCHBAY_ADMIN_KEY, or in local mode the content of <patchbay.var>/admin-key)"
                + " or a live workspace admin key", CHALLENGE + ", error=\"invalid_token\""));
    }

    private static ProblemException unauthorized(String detail, String challenge) {
        return ProblemException.of(401, detail, new FieldError("Authorization", detail))
                .withHeader(HeaderNames.WWW_AUTHENTICATE.defaultCase(), challenge);
    }
}
