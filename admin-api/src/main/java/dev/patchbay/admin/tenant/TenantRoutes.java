package dev.patchbay.admin.tenant;

import dev.patchbay.rest.ApiJson;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The {@code /v1/workspaces} resources: workspaces, their bots and their DIDs. API keys, the webhook
 * secret and trunks are {@link AccessRoutes} and {@link TrunkRoutes}, registered on the same path.
 */
public final class TenantRoutes implements HttpService {

    /** Where this service is registered; also the base of the Location headers it writes. */
    public static final String PATH = "/v1/workspaces";

    private final TenantService tenants;

    public TenantRoutes(TenantService tenants) {
        this.tenants = tenants;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::createWorkspace)
                .get("/", (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.items(tenants.workspaces(), TenantJson::workspace)))
                .get("/{ws}", (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.workspace(tenants.workspace(ws(req)))))
                .post("/{ws}/bots", this::createBot)
                .get("/{ws}/bots", (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.items(tenants.bots(ws(req)), TenantJson::bot)))
                .get("/{ws}/bots/{bot}", (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.bot(tenants.bot(ws(req), param(req, "bot")))))
                .delete("/{ws}/bots/{bot}", (req, res) -> {
                    tenants.deleteBot(ws(req), param(req, "bot"));
                    res.status(Status.NO_CONTENT_204).send();
                })
                .post("/{ws}/dids", this::createDid)
                .get("/{ws}/dids", (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.items(tenants.dids(ws(req)), TenantJson::did)))
                .get("/{ws}/dids/{did}", (req, res) -> ApiJson.send(res, Status.OK_200,
                        TenantJson.did(tenants.did(ws(req), param(req, "did")))))
                .delete("/{ws}/dids/{did}", (req, res) -> {
                    tenants.deleteDid(ws(req), param(req, "did"));
                    res.status(Status.NO_CONTENT_204).send();
                });
    }

    private void createWorkspace(ServerRequest req, ServerResponse res) {
        Workspace w = tenants.createWorkspace(NewWorkspace.parse(ApiJson.read(req, NewWorkspace.FIELDS)));
        created(res, PATH + "/" + w.id());
        ApiJson.send(res, Status.CREATED_201, TenantJson.workspace(w));
    }

    private void createBot(ServerRequest req, ServerResponse res) {
        // The workspace is looked up before the body is read, so a wrong path answers 404 whatever the body holds.
        Workspace ws = tenants.workspace(ws(req));
        Bot bot = tenants.createBot(ws, NewBot.parse(ApiJson.read(req, NewBot.FIELDS)));
        created(res, PATH + "/" + ws.id() + "/bots/" + bot.id());
        ApiJson.send(res, Status.CREATED_201, TenantJson.bot(bot));
    }

    private void createDid(ServerRequest req, ServerResponse res) {
        Workspace ws = tenants.workspace(ws(req));
        Did did = tenants.createDid(ws, NewDid.parse(ApiJson.read(req, NewDid.FIELDS)));
        created(res, PATH + "/" + ws.id() + "/dids/" + did.id());
        ApiJson.send(res, Status.CREATED_201, TenantJson.did(did));
    }

    static void created(ServerResponse res, String location) {
        res.header(HeaderNames.LOCATION, location);
    }

    static String ws(ServerRequest req) {
        return param(req, "ws");
    }

    static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }
}
