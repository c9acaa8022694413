package dev.patchbay.control.integration.asapp;

import java.util.List;

import dev.patchbay.control.api.ApiKeyAuth;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.SecretBox;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Seed 004's REST side: {@code POST /generativeagent/v1/call-transfers} and {@code GET …/{id}},
 * authenticated as seed 004 says ASAPP clients do: {@code asapp-api-id} is the API key's id and
 * {@code asapp-api-secret} its secret (a workspace API key, whose workspace the request acts in); plus the provider-API
 * return {@code POST /v1/calls/{id}/return}, behind the usual workspace keys.
 */
public final class CallTransfersApi {

    public static final String PATH = "/generativeagent/v1/call-transfers";
    private static final String API_ID = "asapp-api-id";
    private static final String API_SECRET = "asapp-api-secret";

    private final TransferStore transfers;
    private final CallStore calls;
    private final AsappReturns returns;
    private final ApiKeyAuth keys;
    private final AsappIntegration settings;
    private final SecretBox secrets;

    public CallTransfersApi(TransferStore transfers, CallStore calls, AsappReturns returns, ApiKeyAuth keys,
                            AsappIntegration settings, SecretBox secrets) {
        this.transfers = transfers;
        this.calls = calls;
        this.returns = returns;
        this.keys = keys;
        this.settings = settings;
        this.secrets = secrets;
    }

    public void routing(HttpRules rules) {
        rules.post(PATH, this::create)
                .get(PATH + "/{id}", this::get)
                .post("/v1/calls/{id}/return", this::returnCall);
    }

    private void create(ServerRequest req, ServerResponse res) {
        String workspace = authenticate(req);
        JsonBody body = ApiJson.read(req, TransferJson.CREATE_FIELDS);
        // The workspace's own settings (admin API) where it has them: TTL and default return type.
        AsappConfig config = settings.forWorkspace(workspace);
        CallTransfer t = TransferJson.create(body, workspace, config, secrets, transfers.now());
        try {
            transfers.insert(t);
        } catch (TransferStore.DuplicateId e) {
            throw ProblemException.conflict("this workspace has a call transfer with id " + t.id() + " already; ids are"
                    + " single-use, create each transfer with a new id", "id");
        }
        // The seed answers 200 (not 201) with the resource.
        res.header(HeaderNames.LOCATION, PATH + "/" + t.id());
        ApiJson.send(res, Status.OK_200, TransferJson.response(t, transfers.now(), config));
    }

    private void get(ServerRequest req, ServerResponse res) {
        String workspace = authenticate(req);
        String id = req.path().pathParameters().get("id");
        CallTransfer t = transfers.find(workspace, id).orElseThrow(() ->
                ProblemException.notFound("there is no call transfer " + id + " in this workspace", "id"));
        ApiJson.send(res, Status.OK_200, TransferJson.response(t, transfers.now(), settings.defaults()));
    }

    /** The REST twin of the WSS {@code return} event; the body is the outputContext itself. */
    private void returnCall(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        CallRecord call = calls.find(ApiKeyAuth.caller(req).workspaceId(), id)
                .orElseThrow(() -> ProblemException.notFound("there is no call " + id + " in this workspace", "id"));
        JsonBody body = ApiJson.read(req, TransferJson.OUTPUT_FIELDS);
        body.requireShape();
        AsappReturns.Done done = returns.complete(call, body.node());
        var out = ApiJson.object().put("call_id", call.id()).put("action", "return")
                .put("callTransferId", done.transfer().id())
                .put("returnTransferType", done.transfer().returnType().name());
        if (done.referTo() != null) {
            out.put("refer_to", done.referTo());
        }
        ApiJson.send(res, Status.ACCEPTED_202, out);
    }

    /** The workspace of the API key the two ASAPP headers prove; 401 naming the header at fault, 403 for a disabled workspace. */
    private String authenticate(ServerRequest req) {
        String how = "send " + API_ID + ": <API key id> and " + API_SECRET + ": <its secret> (a workspace API key from the admin API)";
        String keyId = req.headers().first(HeaderNames.create(API_ID)).map(String::strip).orElse("");
        String secret = req.headers().first(HeaderNames.create(API_SECRET)).map(String::strip).orElse("");
        if (keyId.isEmpty()) {
            throw unauthorized(API_ID, "the request has no " + API_ID + " header; " + how);
        }
        if (secret.isEmpty()) {
            throw unauthorized(API_SECRET, "the request has no " + API_SECRET + " header; " + how);
        }
        // One answer for an unknown id and a wrong secret, so the API does not confirm which key ids exist.
        Tenants.ApiKey key = keys.verify(keyId, secret).orElseThrow(() -> unauthorized(API_SECRET, API_ID + " and "
                + API_SECRET + " are not a valid API key and its secret (or the key was revoked); " + how));
        if (!key.workspaceEnabled()) {
            throw ProblemException.of(403, "workspace " + key.workspaceId() + " is disabled; an operator can enable it with the admin API");
        }
        return key.workspaceId();
    }

    private static ProblemException unauthorized(String header, String detail) {
        return ProblemException.of(401, detail, List.of(new FieldError(header, detail)));
    }
}
