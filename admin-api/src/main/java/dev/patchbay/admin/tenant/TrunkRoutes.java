package dev.patchbay.admin.tenant;

import dev.patchbay.rest.ApiJson;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import static dev.patchbay.admin.tenant.TenantRoutes.param;
import static dev.patchbay.admin.tenant.TenantRoutes.ws;

/** {@code /v1/workspaces/{ws}/trunks}; registered at {@link TenantRoutes#PATH}. */
public final class TrunkRoutes implements HttpService {

    private static final java.util.List<String> PATCH_FIELDS = java.util.List.of("allowed_cidrs", "transports", "tls_required");

    private final TenantService tenants;
    private final TrunkService trunks;

    public TrunkRoutes(TenantService tenants, TrunkService trunks) {
        this.tenants = tenants;
        this.trunks = trunks;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{ws}/trunks", this::create)
                .get("/{ws}/trunks", (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.items(trunks.trunks(ws(req)), TenantJson::trunk)))
                .get("/{ws}/trunks/{trunk}", (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.trunk(trunks.trunk(ws(req), param(req, "trunk")))))
                .patch("/{ws}/trunks/{trunk}", (req, res) -> ApiJson.send(res, Status.OK_200, TenantJson.trunk(
                        trunks.updateInbound(ws(req), param(req, "trunk"), ApiJson.read(req, PATCH_FIELDS)))))
                .delete("/{ws}/trunks/{trunk}", (req, res) -> {
                    trunks.deleteTrunk(ws(req), param(req, "trunk"));
                    res.status(Status.NO_CONTENT_204).send();
                });
    }

    private void create(ServerRequest req, ServerResponse res) {
        Workspace ws = tenants.workspace(ws(req));
        Trunk trunk = trunks.createTrunk(ws, NewTrunk.parse(ApiJson.read(req, NewTrunk.FIELDS)));
        TenantRoutes.created(res, TenantRoutes.PATH + "/" + ws.id() + "/trunks/" + trunk.id());
        ApiJson.send(res, Status.CREATED_201, TenantJson.trunk(trunk));
    }
}
