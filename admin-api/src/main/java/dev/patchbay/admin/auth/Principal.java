package dev.patchbay.admin.auth;

import io.helidon.webserver.http.ServerRequest;

/** Who sent a {@code /v1} request, as {@link BearerAuth} established it. */
public sealed interface Principal {

    /** What the audit log records as the actor: never a secret. */
    String actor();

    /** The holder of {@code patchbay.admin.key}: may do everything. */
    record Operator() implements Principal {
        @Override
        public String actor() {
            return "operator";
        }
    }

    /** An admin key of one workspace: may manage that workspace only. */
    record WorkspaceKey(String keyId, String workspaceId) implements Principal {
        @Override
        public String actor() {
            return keyId;
        }
    }

    Principal OPERATOR = new Operator();

    /** The principal of an authenticated request; every {@code /v1} route has one. */
    static Principal of(ServerRequest req) {
        return req.context().get(Principal.class, Principal.class)
                .orElseThrow(() -> new IllegalStateException("no principal on " + req.path().path()
                        + ": BearerAuth must run before every /v1 route"));
    }
}
