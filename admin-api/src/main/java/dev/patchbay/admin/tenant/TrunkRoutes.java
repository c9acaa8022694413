package dev.patchbay.admin.tenant;

import java.util.List;

import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.http.ETags;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.rest.ApiJson;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import static dev.patchbay.admin.tenant.TenantRoutes.param;
import static dev.patchbay.admin.tenant.TenantRoutes.ws;

/** {@code /v1/workspaces/{ws}/trunks}. */
public final class TrunkRoutes {

    private static final List<String> PATCH_FIELDS = List.of("allowed_cidrs", "transports", "tls_required",
            "name", "host", "port", "transport", "caller_id", "caller_id_override", "username", "password", "dtmf_mode", "codecs");

    private final TenantService tenants;
    private final TrunkService trunks;

    public TrunkRoutes(TenantService tenants, TrunkService trunks) {
        this.tenants = tenants;
        this.trunks = trunks;
    }

    public List<ApiRoute> routes() {
        String path = TenantRoutes.WS + "/trunks";
        return List.of(
                ApiRoute.post(path, Access.WORKSPACE, this::create),
                ApiRoute.get(path, Access.WORKSPACE, (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.items(trunks.trunks(ws(req), PageRequest.from(req)), TenantJson::trunk))),
                ApiRoute.get(path + "/{trunk}", Access.WORKSPACE, (req, res) -> ETags.send(res,
                        TenantJson.trunk(trunks.trunk(ws(req), param(req, "trunk"))))),
                ApiRoute.patch(path + "/{trunk}", Access.WORKSPACE, (req, res) -> ETags.send(res, TenantJson.trunk(
                        trunks.update(ws(req), param(req, "trunk"), ApiJson.read(req, PATCH_FIELDS),
                                ETags.ifMatch(req), Principal.of(req))))),
                ApiRoute.delete(path + "/{trunk}", Access.WORKSPACE, (req, res) -> {
                    trunks.deleteTrunk(ws(req), param(req, "trunk"), Principal.of(req));
                    res.status(Status.NO_CONTENT_204).send();
                }));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Workspace ws = tenants.workspace(ws(req));
        Trunk trunk = trunks.createTrunk(ws, NewTrunk.parse(ApiJson.read(req, NewTrunk.FIELDS)), Principal.of(req));
        TenantRoutes.created(res, TenantRoutes.PATH + "/" + ws.id() + "/trunks/" + trunk.id());
        ETags.send(res, Status.CREATED_201, TenantJson.trunk(trunk));
    }
}
