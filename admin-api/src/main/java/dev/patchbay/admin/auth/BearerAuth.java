package dev.patchbay.admin.auth;

import java.util.Optional;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Requires the operator key on every {@code /v1} request. It runs as a filter, before routing, so
 * an unknown {@code /v1} path answers 401 rather than revealing which paths exist.
 */
public final class BearerAuth implements Filter {

    private static final String CHALLENGE = "Bearer realm=\"patchbay-admin\"";
    private static final String PREFIX = "Bearer ";

    private final OperatorKey key;

    public BearerAuth(OperatorKey key) {
        this.key = key;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (path.equals("/v1") || path.startsWith("/v1/")) {
            check(req.headers().first(HeaderNames.AUTHORIZATION));
        }
        chain.proceed();
    }

    private void check(Optional<String> header) {
        if (header.isEmpty()) {
            throw unauthorized("the request has no Authorization header; send Authorization: Bearer <operator key>",
                    CHALLENGE);
        }
        String value = header.get();
        if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw unauthorized("the Authorization header is not a Bearer credential; send Authorization: Bearer <operator key>",
                    CHALLENGE);
        }
        if (!key.matches(value.substring(PREFIX.length()).strip())) {
            throw unauthorized("the operator key is not valid; it is patchbay.admin.key (env PATCHBAY_ADMIN_KEY),"
                    + " or in local mode the content of <patchbay.var>/admin-key", CHALLENGE + ", error=\"invalid_token\"");
        }
    }

    private static ProblemException unauthorized(String detail, String challenge) {
        return ProblemException.of(401, detail, new FieldError("Authorization", detail))
                .withHeader(HeaderNames.WWW_AUTHENTICATE.defaultCase(), challenge);
    }
}
