package dev.patchbay.admin.auth;

import java.util.function.Consumer;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.helidon.webserver.http.ServerRequest;

/**
 * Who may call a route. Checked for every route before its handler runs (see {@link ApiRoute}), so
 * no handler can forget it. A workspace key asking for another workspace gets exactly the 404 a
 * missing workspace gets, so it cannot learn which workspace ids exist.
 */
public enum Access {
    /** No key at all: {@code /health} and the OpenAPI document. */
    OPEN,
    /** Any valid key; the handler narrows what a workspace key sees (listing workspaces). */
    ANY,
    /** The operator, or an admin key of the workspace in the path's {@code {ws}}. */
    WORKSPACE,
    /** Under a workspace path, but the operator only (issuing and revoking admin keys). */
    WORKSPACE_OPERATOR,
    /** Platform-wide operations: the operator only. */
    OPERATOR;

    /** The path parameter every workspace route names its workspace by. */
    public static final String WS = "ws";

    void check(ServerRequest req) {
        if (this == OPEN || this == ANY) {
            return;
        }
        if (!(Principal.of(req) instanceof Principal.WorkspaceKey key)) {
            return;
        }
        if (this == WORKSPACE || this == WORKSPACE_OPERATOR) {
            String ws = req.path().pathParameters().get(WS);
            if (!key.workspaceId().equals(ws)) {
                throw workspaceNotFound(ws);
            }
        }
        if (this == WORKSPACE_OPERATOR || this == OPERATOR) {
            throw ProblemException.of(403, "only the operator key may do this; a workspace admin key may not",
                    new FieldError("Authorization", "send the operator key (patchbay.admin.key)"));
        }
    }

    /**
     * The workspace a list route outside {@code /v1/workspaces/{ws}} reads: a workspace key is held to its
     * own (naming another answers that workspace's 404); the operator reads {@code requested}, or every
     * workspace when it is null.
     */
    public static String scope(ServerRequest req, String requested, Consumer<String> requireWorkspace) {
        if (Principal.of(req) instanceof Principal.WorkspaceKey key) {
            if (requested != null && !requested.equals(key.workspaceId())) {
                throw workspaceNotFound(requested);
            }
            return key.workspaceId();
        }
        if (requested != null) {
            requireWorkspace.accept(requested);
        }
        return requested;
    }

    /** The one answer for a workspace that does not exist or is not the caller's. */
    public static ProblemException workspaceNotFound(String id) {
        return ProblemException.notFound("workspace " + id + " does not exist", "workspace_id");
    }
}
