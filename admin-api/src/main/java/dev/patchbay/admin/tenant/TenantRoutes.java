package dev.patchbay.admin.tenant;

import java.util.List;

import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.http.ETags;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.rest.ApiJson;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The {@code /v1/workspaces} resources: workspaces, their bots and their DIDs. API keys, the webhook
 * secret and trunks are {@link AccessRoutes} and {@link TrunkRoutes}.
 */
public final class TenantRoutes {

    /** The base of every workspace route and of the Location headers they write. */
    public static final String PATH = "/v1/workspaces";
    /** A workspace's own path, {@code {ws}} being the parameter {@link Access} checks. */
    public static final String WS = PATH + "/{ws}";

    private final TenantService tenants;

    public TenantRoutes(TenantService tenants) {
        this.tenants = tenants;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.post(PATH, Access.OPERATOR, this::createWorkspace),
                ApiRoute.get(PATH, Access.ANY, (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.items(tenants.workspaces(PageRequest.from(req), Principal.of(req)), TenantJson::workspace))),
                ApiRoute.get(WS, Access.WORKSPACE, (req, res) -> ETags.send(res,
                        TenantJson.workspace(tenants.workspace(ws(req))))),
                ApiRoute.patch(WS, Access.WORKSPACE, (req, res) -> {
                    Workspace ws = tenants.workspace(ws(req));
                    WorkspacePatch patch = WorkspacePatch.parse(ApiJson.read(req, WorkspacePatch.FIELDS));
                    ETags.send(res, TenantJson.workspace(tenants.updateWorkspace(ws.id(), patch, ETags.ifMatch(req),
                            Principal.of(req))));
                }),
                ApiRoute.post(WS + "/bots", Access.WORKSPACE, this::createBot),
                ApiRoute.get(WS + "/bots", Access.WORKSPACE, (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.items(tenants.bots(ws(req), PageRequest.from(req)), TenantJson::bot))),
                ApiRoute.get(WS + "/bots/{bot}", Access.WORKSPACE, (req, res) -> ETags.send(res,
                        TenantJson.bot(tenants.bot(ws(req), param(req, "bot"))))),
                ApiRoute.patch(WS + "/bots/{bot}", Access.WORKSPACE, (req, res) -> {
                    String ws = tenants.workspace(ws(req)).id();
                    ETags.send(res, TenantJson.bot(tenants.updateBot(ws, param(req, "bot"),
                            ApiJson.read(req, NewBot.PATCH_FIELDS), ETags.ifMatch(req), Principal.of(req))));
                }),
                ApiRoute.delete(WS + "/bots/{bot}", Access.WORKSPACE, (req, res) -> {
                    tenants.deleteBot(ws(req), param(req, "bot"), Principal.of(req));
                    res.status(Status.NO_CONTENT_204).send();
                }),
                ApiRoute.post(WS + "/dids", Access.WORKSPACE, this::createDid),
                ApiRoute.get(WS + "/dids", Access.WORKSPACE, (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.items(tenants.dids(ws(req), PageRequest.from(req)), TenantJson::did))),
                ApiRoute.get(WS + "/dids/{did}", Access.WORKSPACE, (req, res) -> ETags.send(res,
                        TenantJson.did(tenants.did(ws(req), param(req, "did"))))),
                ApiRoute.patch(WS + "/dids/{did}", Access.WORKSPACE, this::updateDid),
                ApiRoute.delete(WS + "/dids/{did}", Access.WORKSPACE, (req, res) -> {
                    tenants.deleteDid(ws(req), param(req, "did"), Principal.of(req));
                    res.status(Status.NO_CONTENT_204).send();
                }));
    }

    private void createWorkspace(ServerRequest req, ServerResponse res) {
        Workspace w = tenants.createWorkspace(NewWorkspace.parse(ApiJson.read(req, NewWorkspace.FIELDS)), Principal.of(req));
        created(res, PATH + "/" + w.id());
        ETags.send(res, Status.CREATED_201, TenantJson.workspace(w));
    }

    private void createBot(ServerRequest req, ServerResponse res) {
        // The workspace is looked up before the body is read, so a wrong path answers 404 whatever the body holds.
        Workspace ws = tenants.workspace(ws(req));
        Bot bot = tenants.createBot(ws, NewBot.parse(ApiJson.read(req, NewBot.FIELDS)), Principal.of(req));
        created(res, PATH + "/" + ws.id() + "/bots/" + bot.id());
        ETags.send(res, Status.CREATED_201, TenantJson.bot(bot));
    }

    private void createDid(ServerRequest req, ServerResponse res) {
        Workspace ws = tenants.workspace(ws(req));
        Did did = tenants.createDid(ws, NewDid.parse(ApiJson.read(req, NewDid.FIELDS)), Principal.of(req));
        created(res, PATH + "/" + ws.id() + "/dids/" + did.id());
        ETags.send(res, Status.CREATED_201, TenantJson.did(did));
    }

    /** {@code bot_id} and the early-media override may change; a DID's number is its identity. */
    private void updateDid(ServerRequest req, ServerResponse res) {
        Workspace ws = tenants.workspace(ws(req));
        DidPatch patch = DidPatch.parse(ApiJson.read(req, DidPatch.FIELDS));
        ETags.send(res, TenantJson.did(tenants.updateDid(ws.id(), param(req, "did"), patch, ETags.ifMatch(req),
                Principal.of(req))));
    }

    static void created(ServerResponse res, String location) {
        res.header(HeaderNames.LOCATION, location);
    }

    static String ws(ServerRequest req) {
        return param(req, Access.WS);
    }

    static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }
}
