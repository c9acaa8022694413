package dev.patchbay.admin.tenant;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.http.ETags;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import static dev.patchbay.admin.tenant.TenantRoutes.param;
import static dev.patchbay.admin.tenant.TenantRoutes.ws;

/**
 * {@code /v1/workspaces/{ws}/api-keys}, {@code …/admin-keys} (one set of handlers for both) and
 * {@code …/webhook-secret}. Admin keys are issued, rotated and revoked by the operator only: a
 * workspace key may read its workspace's keys but not mint more of itself.
 */
public final class AccessRoutes {

    static final long MAX_OVERLAP_SECONDS = 30L * 24 * 3600;

    private final TenantService tenants;
    private final AccessService access;

    public AccessRoutes(TenantService tenants, AccessService access) {
        this.tenants = tenants;
        this.access = access;
    }

    public List<ApiRoute> routes() {
        List<ApiRoute> routes = new ArrayList<>();
        routes.addAll(keyRoutes(KeyScope.PROVIDER, Access.WORKSPACE));
        routes.addAll(keyRoutes(KeyScope.ADMIN, Access.WORKSPACE_OPERATOR));
        // No body: the secret is generated, never chosen, so there is nothing to send.
        routes.add(ApiRoute.post(TenantRoutes.WS + "/webhook-secret", Access.WORKSPACE, (req, res) -> {
            String secret = access.rotateWebhookSecret(ws(req), Principal.of(req));
            noStore(res);
            ApiJson.send(res, Status.OK_200, ApiJson.object().put("webhook_secret", secret));
        }));
        return routes;
    }

    private List<ApiRoute> keyRoutes(KeyScope scope, Access change) {
        String keys = TenantRoutes.WS + "/" + scope.path();
        return List.of(
                ApiRoute.post(keys, change, (req, res) -> create(scope, req, res)),
                ApiRoute.get(keys, Access.WORKSPACE, (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.items(access.keys(scope, ws(req), PageRequest.from(req)), TenantJson::apiKey))),
                ApiRoute.get(keys + "/{key}", Access.WORKSPACE, (req, res) -> ETags.send(res,
                        TenantJson.apiKey(access.key(scope, ws(req), param(req, "key"))))),
                ApiRoute.post(keys + "/{key}/rotate", change, (req, res) -> rotate(scope, req, res)),
                ApiRoute.delete(keys + "/{key}", change, (req, res) -> {
                    access.revokeKey(scope, ws(req), param(req, "key"), Principal.of(req));
                    res.status(Status.NO_CONTENT_204).send();
                }));
    }

    private void create(KeyScope scope, ServerRequest req, ServerResponse res) {
        Workspace ws = tenants.workspace(ws(req));
        IssuedApiKey issued = access.createKey(scope, ws, NewApiKey.parse(ApiJson.read(req, NewApiKey.FIELDS)),
                Principal.of(req));
        sendIssued(scope, res, issued);
    }

    /** Optional body {@code {"overlap_seconds": n}}: how long the old key keeps working (0 = ends now). */
    private void rotate(KeyScope scope, ServerRequest req, ServerResponse res) {
        tenants.workspace(ws(req));
        Optional<Duration> overlap = Optional.empty();
        if (req.content().hasEntity()) {
            JsonBody body = ApiJson.read(req, List.of("overlap_seconds"));
            Optional<Long> seconds = body.integer("overlap_seconds");
            body.requireShape();
            if (seconds.isPresent() && (seconds.get() < 0 || seconds.get() > MAX_OVERLAP_SECONDS)) {
                throw ProblemException.invalid("the rotation is not valid", List.of(new FieldError("overlap_seconds",
                        "must be from 0 to " + MAX_OVERLAP_SECONDS + " (30 days)")));
            }
            overlap = seconds.map(Duration::ofSeconds);
        }
        sendIssued(scope, res, access.rotateKey(scope, ws(req), param(req, "key"), overlap, Principal.of(req)));
    }

    private static void sendIssued(KeyScope scope, ServerResponse res, IssuedApiKey issued) {
        TenantRoutes.created(res, TenantRoutes.PATH + "/" + issued.key().workspaceId() + "/" + scope.path() + "/"
                + issued.key().id());
        noStore(res);
        ApiJson.send(res, Status.CREATED_201, TenantJson.apiKey(issued.key()).put("key", issued.token()));
    }

    // These answers carry a secret that exists nowhere else; no cache or proxy may keep a copy.
    private static void noStore(ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
    }
}
