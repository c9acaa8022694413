package dev.patchbay.admin.tenant;

import dev.patchbay.rest.ApiJson;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import static dev.patchbay.admin.tenant.TenantRoutes.param;
import static dev.patchbay.admin.tenant.TenantRoutes.ws;

/** {@code /v1/workspaces/{ws}/api-keys} and {@code /v1/workspaces/{ws}/webhook-secret}; registered at {@link TenantRoutes#PATH}. */
public final class AccessRoutes implements HttpService {

    private final TenantService tenants;
    private final AccessService access;

    public AccessRoutes(TenantService tenants, AccessService access) {
        this.tenants = tenants;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{ws}/api-keys", this::createKey)
                .get("/{ws}/api-keys", (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.items(access.apiKeys(ws(req)), TenantJson::apiKey)))
                .get("/{ws}/api-keys/{key}", (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.apiKey(access.apiKey(ws(req), param(req, "key")))))
                .delete("/{ws}/api-keys/{key}", (req, res) -> {
                    access.revokeApiKey(ws(req), param(req, "key"));
                    res.status(Status.NO_CONTENT_204).send();
                })
                // No body: the secret is generated, never chosen, so there is nothing to send.
                .post("/{ws}/webhook-secret", (req, res) -> {
                    String secret = access.rotateWebhookSecret(ws(req));
                    noStore(res);
                    ApiJson.send(res, Status.OK_200, ApiJson.object().put("webhook_secret", secret));
                });
    }

    private void createKey(ServerRequest req, ServerResponse res) {
        Workspace ws = tenants.workspace(ws(req));
        IssuedApiKey issued = access.createApiKey(ws, NewApiKey.parse(ApiJson.read(req, NewApiKey.FIELDS)));
        TenantRoutes.created(res, TenantRoutes.PATH + "/" + ws.id() + "/api-keys/" + issued.key().id());
        noStore(res);
        ApiJson.send(res, Status.CREATED_201, TenantJson.apiKey(issued.key()).put("key", issued.token()));
    }

    // These answers carry a secret that exists nowhere else; no cache or proxy may keep a copy.
    private static void noStore(ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
    }
}
